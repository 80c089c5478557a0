import type {
  Account,
  AccountCreated,
  EnrolmentCode,
  ManagedAccount,
  Role,
  Alarm,
  BellEventAnswer,
  BellEventRequest,
  BellSchedules,
  Command,
  CommandRequest,
  Commune,
  CommuneEnergyMonths,
  CommuneEnergyReport,
  CommuneOverview,
  CommuneSummary,
  CommuneSelection,
  CommissioningReportSummary,
  EquipmentPoints,
  FleetCommune,
  FleetMap,
  DesiredState,
  GatewaySchedules,
  NightsRequest,
  NightsResponse,
  ScheduleChange,
  ScheduleLint,
  SchedulePreview,
  EquipmentCatalogue,
  Health,
  HistoryKind,
  HistoryPage,
  LoginResponse,
  OutputExplanation,
  PushProgress,
  PushSummary,
  SyndicateEnergyReport,
  Switching,
  Template,
  TemplateBinding,
  TemplateCreateRequest,
  TemplateSummary,
  TemplateVersionRequest,
} from '@beffroi/api';
import type * as Contract from '@beffroi/api';
import { COMMUNE_OVERVIEW_PATH, EVENTS_PATH, FLEET_PATH, HEALTH_PATH, fillPath } from '@beffroi/api/first-screen';
import type { z } from 'zod';

/** The contract's routes by name, and what a route answers once parsed by its schema (`undefined` without one). */
type Routes = typeof Contract.API_ROUTES;
export type RouteName = keyof Routes;
type Answer<N extends RouteName> = Routes[N] extends { readonly response: z.ZodType }
  ? z.output<Routes[N]['response']>
  : undefined;

let contract: Promise<typeof Contract> | undefined;
let contractAsked: ((loading: Promise<typeof Contract>) => void) | undefined;
/** The contract once a call has loaded it, without loading it: see {@link ApiClient.healthEarly}. */
const contractLoadedByOthers = new Promise<typeof Contract>((resolve) => {
  contractAsked = resolve;
});

/**
 * The contract's schemas (zod, most of the contract's weight), in a chunk of their own: the console's entry script does
 * not carry them, so "Ma commune" is shown before they have arrived. Loaded once, on the first call that needs them.
 */
export function loadContract(): Promise<typeof Contract> {
  if (contract === undefined) {
    contract = import('@beffroi/api');
    contractAsked?.(contract);
  }
  return contract;
}

/**
 * An answer the page may show before the contract's schemas have arrived: `unchecked` is central's JSON as it came,
 * `checked` the same answer parsed by the contract, which rejects (saying what is wrong) if central broke it. A page
 * that shows `unchecked` keeps it once `checked` resolves, and drops it for the error if `checked` rejects.
 */
export interface EarlyAnswer<T> {
  readonly unchecked: T;
  readonly checked: Promise<T>;
}

/** The routes that answer a file (CSV or PDF) rather than JSON. */
export type EnergyFileRoute = 'communeEnergyCsv' | 'communeEnergyPdf' | 'energyCsv';

/** How many items of a long list answer {@link checkInSlices} parses in one task. */
const ITEMS_PER_SLICE = 100;

/** Resolves in a task of its own, after the page has had its turn (its render, a frame, an input). */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * A list answer parsed by its schema item by item, in tasks of {@link ITEMS_PER_SLICE} items, the first after the page
 * has rendered what it already shows: a thousand communes take zod a few hundred milliseconds, which would otherwise
 * hold the page in one long task. Gives the items as the schema outputs them; an answer that breaks the contract is
 * parsed whole again, so it rejects with the same error as one parse (the item's index and field in its path).
 */
async function checkInSlices<E extends z.ZodType>(schema: z.ZodArray<E>, json: unknown): Promise<z.output<E>[]> {
  if (!Array.isArray(json)) return schema.parse(json);
  const items: unknown[] = json;
  const checked: z.output<E>[] = [];
  for (let start = 0; start < items.length; start += ITEMS_PER_SLICE) {
    await nextTask();
    for (const item of items.slice(start, start + ITEMS_PER_SLICE)) {
      const result = schema.element.safeParse(item);
      if (!result.success) return schema.parse(json);
      checked.push(result.data);
    }
  }
  return checked;
}

/** A site a gateway reported, where central plans a document. */
export interface GatewaySite {
  readonly gatewayId: string;
  readonly siteId: string;
}

/** A route answered with an error: its HTTP status, central's code and message. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }

  /**
   * 403: the role may not; 404: the thing is unknown or belongs to another tenant. Central answers those two alike on
   * purpose (no existence oracle), so the console cannot tell them apart either and says both.
   */
  get denied(): boolean {
    return this.status === 403 || this.status === 404;
  }
}

export interface ApiClientOptions {
  /** The session token, if logged in. */
  readonly token: () => string | undefined;
  /** Called when central says the session is missing, expired or ended (401). */
  readonly onUnauthenticated: () => void;
  readonly fetch?: typeof fetch;
  /** Central's address; the console's own origin by default. */
  readonly baseUrl?: string;
}

/** The console's typed client of central: every call is a route of the contract, every answer parsed by it. */
export class ApiClient {
  private readonly fetch: typeof fetch;

  constructor(private readonly options: ApiClientOptions) {
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  login(login: string, password: string): Promise<LoginResponse> {
    return this.call('login', {}, { login, password });
  }

  async logout(): Promise<void> {
    await this.call('logout');
  }

  me(): Promise<Account> {
    return this.call('me');
  }

  communes(): Promise<CommuneSummary[]> {
    return this.call('communes');
  }

  commune(insee: string): Promise<Commune> {
    return this.call('commune', { insee });
  }

  /** "Ma commune" in one answer: the commune, its gateways' catalogues (null before the first) and its alarms. */
  communeOverview(insee: string): Promise<CommuneOverview> {
    return this.call('communeOverview', { insee });
  }

  /**
   * The same overview for the first screen: asked for without waiting for the contract's schemas (its path is in the
   * entry script), answered as soon as central's JSON is in; its `checked` parses it once the schemas have arrived.
   * An error answer (401, 404…) rejects as with every other route.
   */
  async communeOverviewEarly(insee: string): Promise<EarlyAnswer<CommuneOverview>> {
    const json = await this.send(
      'get',
      fillPath(COMMUNE_OVERVIEW_PATH, { insee }),
      undefined,
      `GET ${COMMUNE_OVERVIEW_PATH}`,
    );
    // The contract is asked for in a task of its own, once the page has shown the answer: asking for a chunk costs
    // the main thread (Vite's preloading of its imports), which would otherwise delay the first screen.
    const checked = nextTask()
      .then(loadContract)
      .then(({ API_ROUTES }) => API_ROUTES.communeOverview.response.parse(json));
    return { unchecked: json as CommuneOverview, checked };
  }

  points(gatewayId: string): Promise<EquipmentPoints> {
    return this.call('points', { id: gatewayId });
  }

  /** What the gateway has, with names and units; a 409 while it has not reported its catalogue. */
  equipment(gatewayId: string): Promise<EquipmentCatalogue> {
    return this.call('equipment', { id: gatewayId });
  }

  /**
   * Whether central is up, and whether it runs a demonstration, for the banner every page shows: asked for and given
   * as central's JSON
   * without the contract's schemas, whose chunk (zod building its schemas for about 100 ms on the main thread) would
   * otherwise be loaded at start for this answer alone and delay the page's first render. `checked` parses it once a
   * call of the page has loaded the contract, and stays pending until one has (the login page, before its form is
   * sent). An error answer rejects as with every other route.
   */
  async healthEarly(): Promise<EarlyAnswer<Health>> {
    const json = await this.send('get', HEALTH_PATH, undefined, `GET ${HEALTH_PATH}`);
    const checked = contractLoadedByOthers.then(({ API_ROUTES }) => API_ROUTES.health.response.parse(json));
    return { unchecked: json as Health, checked };
  }

  explain(gatewayId: string, key: string): Promise<OutputExplanation> {
    return this.call('explain', { id: gatewayId, key });
  }

  switchings(gatewayId: string, pointKey: string, limit: number): Promise<Switching[]> {
    const query = `?${new URLSearchParams({ pointKey, limit: String(limit) }).toString()}`;
    return this.call('switchings', { id: gatewayId }, undefined, query);
  }

  command(gatewayId: string, request: CommandRequest): Promise<Command> {
    return this.call('command', { id: gatewayId }, request);
  }

  /** The bell schedules the gateway runs: sequences by name, daily rings, one-off events. */
  bells(gatewayId: string): Promise<BellSchedules> {
    return this.call('bells', { id: gatewayId });
  }

  /** Adds a one-off ring (glas, mariage, baptême, tocsin) to a bell schedule of the gateway. */
  addBellEvent(gatewayId: string, scheduleId: string, request: BellEventRequest): Promise<BellEventAnswer> {
    return this.call('bellEvent', { id: gatewayId, scheduleId }, request);
  }

  /** One page of a commune's switchings, commands or audit log, newest first. */
  history(insee: string, kind: HistoryKind, offset: number, limit: number): Promise<HistoryPage> {
    const query = `?${new URLSearchParams({ kind, offset: String(offset), limit: String(limit) }).toString()}`;
    return this.call('history', { insee }, undefined, query);
  }

  /** A commune's energy report over a period (`month=2027-03`, or `from=…&to=…`), per cabinet and output. */
  communeEnergy(insee: string, period: URLSearchParams): Promise<CommuneEnergyReport> {
    return this.call('communeEnergy', { insee }, undefined, `?${period.toString()}`);
  }

  /** A commune's kWh month by month over the period, against the same days a year earlier. */
  communeEnergyMonths(insee: string, period: URLSearchParams): Promise<CommuneEnergyMonths> {
    return this.call('communeEnergyMonths', { insee }, undefined, `?${period.toString()}`);
  }

  /** The energy report of every commune the account sees, and their total. */
  energy(period: URLSearchParams): Promise<SyndicateEnergyReport> {
    return this.call('energy', {}, undefined, `?${period.toString()}`);
  }

  /**
   * An energy report as a file (the token goes in a header, so a plain link cannot fetch it): its bytes and the name
   * central gives it.
   */
  energyFile(
    name: EnergyFileRoute,
    params: Record<string, string>,
    period: URLSearchParams,
  ): Promise<{ blob: Blob; filename: string }> {
    return this.file(name, params, period, 'energie');
  }

  /** The procès-verbaux de recette a commune's gateways sent, newest first. */
  commissioningReports(insee: string): Promise<CommissioningReportSummary[]> {
    return this.call('commissioningReports', { insee });
  }

  /** A procès-verbal de recette as central renders it: the printable page (HTML) or the PDF, with its file name. */
  commissioningReportFile(
    insee: string,
    id: string,
    format: 'html' | 'pdf',
  ): Promise<{ blob: Blob; filename: string }> {
    return this.file(
      'commissioningReport',
      { insee, id },
      new URLSearchParams({ format }),
      `proces-verbal-${id}.${format}`,
    );
  }

  alarms(insee: string): Promise<Alarm[]> {
    const query = `?${new URLSearchParams({ commune: insee, all: 'true', limit: '200' }).toString()}`;
    return this.call('alarms', {}, undefined, query);
  }

  acknowledge(id: number): Promise<Alarm> {
    return this.call('acknowledge', { id: String(id) });
  }

  // The syndicate's pages.

  fleet(): Promise<FleetCommune[]> {
    return this.call('fleet');
  }

  /**
   * The fleet for the Parc's first render, as {@link communeOverviewEarly}: asked for without waiting for the contract's
   * schemas, given as central's JSON as soon as it is in; `checked` parses it by slices of communes in tasks of their
   * own once the schemas have arrived, so checking a thousand communes never delays nor blocks the rows' render.
   */
  async fleetEarly(): Promise<EarlyAnswer<FleetCommune[]>> {
    const json = await this.send('get', FLEET_PATH, undefined, `GET ${FLEET_PATH}`);
    const checked = loadContract().then(({ API_ROUTES }) => checkInSlices(API_ROUTES.fleet.response, json));
    return { unchecked: json as FleetCommune[], checked };
  }

  /** The tiles of central's config and every site of the caller's fleet, for the map. */
  fleetMap(): Promise<FleetMap> {
    return this.call('fleetMap');
  }

  /** The open alarms of every commune of the caller's tenant. */
  openAlarms(): Promise<Alarm[]> {
    const query = `?${new URLSearchParams({ limit: '500' }).toString()}`;
    return this.call('alarms', {}, undefined, query);
  }

  templates(): Promise<TemplateSummary[]> {
    return this.call('templates');
  }

  template(id: string): Promise<Template> {
    return this.call('template', { id });
  }

  createTemplate(request: TemplateCreateRequest): Promise<Template> {
    return this.call('createTemplate', {}, request);
  }

  templateVersion(id: string, request: TemplateVersionRequest): Promise<Template> {
    return this.call('templateVersion', { id }, request);
  }

  pushTemplate(id: string, communes: CommuneSelection): Promise<PushProgress> {
    return this.call('pushTemplate', { id }, { communes });
  }

  /** The accounts of the caller's tenant (a syndicate admin's). */
  accounts(): Promise<ManagedAccount[]> {
    return this.call('accounts');
  }

  createAccount(request: {
    login: string;
    name: string;
    role: Role;
    tenant: string;
    password: string;
  }): Promise<AccountCreated> {
    return this.call('createAccount', {}, request);
  }

  /** Disables (`true`) or enables again (`false`) an account; disabling ends its sessions. */
  setAccountDisabled(login: string, disabled: boolean): Promise<ManagedAccount> {
    return this.call(disabled ? 'disableAccount' : 'enableAccount', { login });
  }

  async resetPassword(login: string, password: string): Promise<void> {
    await this.call('resetPassword', { login }, { password });
  }

  /** A one-time code for a gateway to enrol into the commune, shown once. */
  enrolmentCode(insee: string): Promise<EnrolmentCode> {
    return this.call('enrolmentCode', { insee });
  }

  /** What a template would bind to on each gateway of one commune, and where it would run: its preview. */
  templateBinding(id: string, insee: string): Promise<TemplateBinding> {
    return this.call('templateBinding', { id, insee });
  }

  pushes(): Promise<PushSummary[]> {
    return this.call('pushes');
  }

  push(id: string): Promise<PushProgress> {
    return this.call('push', { id });
  }

  retryPush(id: string): Promise<PushProgress> {
    return this.call('retryPush', { id });
  }

  schedules(gatewayId: string): Promise<GatewaySchedules> {
    return this.call('gatewaySchedules', { id: gatewayId });
  }

  desired(gatewayId: string): Promise<DesiredState> {
    return this.call('desired', { id: gatewayId });
  }

  /** Puts a schedule (what it drives and its document) into the gateway's desired state. */
  putSchedule(gatewayId: string, scheduleId: string, item: Record<string, unknown>): Promise<ScheduleChange> {
    const params = { id: gatewayId, scheduleId };
    return this.call('putSchedule', params, item);
  }

  /** Removes the console's version of a schedule from the desired state (a config schedule of that id runs again). */
  removeSchedule(gatewayId: string, scheduleId: string): Promise<ScheduleChange> {
    const params = { id: gatewayId, scheduleId };
    return this.call('removeSchedule', params);
  }

  /** Checks a schedule document; with a gateway's site, over a year from `from` (a night `YYYY-MM-DD`). */
  lintSchedule(
    kind: string,
    schedule: unknown,
    gatewaySite: GatewaySite,
    from: string,
    to: string,
  ): Promise<ScheduleLint> {
    const body = { kind, schedule, gatewaySite, from, to };
    return this.call('scheduleLint', {}, body);
  }

  previewSchedule(schedule: unknown, gatewaySite: GatewaySite, from: string, to: string): Promise<SchedulePreview> {
    const body = { kind: 'lighting', schedule, gatewaySite, from, to };
    return this.call('schedulePreview', {}, body);
  }

  /** What a heating or bell document does at a gateway's site in `[from, to)` (days `YYYY-MM-DD`): changes or rings. */
  previewOfKind(
    kind: 'heating' | 'bells',
    schedule: unknown,
    gatewaySite: GatewaySite,
    from: string,
    to: string,
  ): Promise<SchedulePreview> {
    const body = { kind, schedule, gatewaySite, from, to };
    return this.call('schedulePreview', {}, body);
  }

  nights(request: NightsRequest): Promise<NightsResponse> {
    return this.call('scheduleNights', {}, request);
  }

  /** The address of the live updates stream (EventSource cannot send headers: the token goes in the query). */
  eventsUrl(): string {
    const token = this.options.token() ?? '';
    return `${this.options.baseUrl ?? ''}${EVENTS_PATH}?${new URLSearchParams({ access_token: token }).toString()}`;
  }

  /**
   * A route that answers a file (the token goes in a header, so a plain link cannot fetch it): its bytes and the name
   * central gives it (`fallback` when it gives none).
   */
  private async file(
    name: RouteName,
    params: Record<string, string>,
    query: URLSearchParams,
    fallback: string,
  ): Promise<{ blob: Blob; filename: string }> {
    const { API_ROUTES, routePath } = await loadContract();
    const route: Contract.ApiRoute = API_ROUTES[name];
    const token = this.options.token();
    const response = await this.fetch(`${this.options.baseUrl ?? ''}${routePath(route, params)}?${query.toString()}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      const text = await response.text();
      const json: unknown = text === '' ? undefined : JSON.parse(text);
      throw await this.failure(response.status, json, `${route.method.toUpperCase()} ${route.path}`);
    }
    const disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
    return { blob: await response.blob(), filename: disposition?.[1] ?? fallback };
  }

  private async call<N extends RouteName>(
    name: N,
    params: Record<string, string> = {},
    body?: unknown,
    query = '',
  ): Promise<Answer<N>> {
    const { API_ROUTES, routePath } = await loadContract();
    const route: Contract.ApiRoute = API_ROUTES[name];
    const what = `${route.method.toUpperCase()} ${route.path}`;
    const json = await this.send(route.method, `${routePath(route, params)}${query}`, body, what);
    return (route.response === undefined ? undefined : route.response.parse(json)) as Answer<N>;
  }

  /** Sends a request to central and reads its JSON; an error answer becomes an {@link ApiFailure} (`what` names it). */
  private async send(method: string, path: string, body: unknown, what: string): Promise<unknown> {
    const token = this.options.token();
    const response = await this.fetch(`${this.options.baseUrl ?? ''}${path}`, {
      method: method.toUpperCase(),
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    if (!response.ok) throw await this.failure(response.status, json, what);
    return json;
  }

  /** The error of a request that failed, as central said it (`what` names the request); a 401 ends the session. */
  private async failure(status: number, json: unknown, what: string): Promise<ApiFailure> {
    const { apiError } = await loadContract();
    const error = apiError.safeParse(json);
    if (status === 401) this.options.onUnauthenticated();
    return error.success
      ? new ApiFailure(status, error.data.code, error.data.message)
      : new ApiFailure(status, 'HTTP', `${what}: ${status}`);
  }
}
