import {
  type Account,
  type AccountCreated,
  type EnrolmentCode,
  type ManagedAccount,
  type Role,
  type Alarm,
  type BellEventAnswer,
  type BellEventRequest,
  type BellSchedules,
  API_ROUTES,
  type ApiRoute,
  apiError,
  type Command,
  type CommandRequest,
  type CommuneEnergyMonths,
  type CommuneEnergyReport,
  type Commune,
  type CommuneOverview,
  type CommuneSummary,
  type CommuneSelection,
  type EquipmentPoints,
  type FleetCommune,
  type FleetMap,
  type DesiredState,
  type GatewaySchedules,
  type NightsRequest,
  type NightsResponse,
  type ScheduleChange,
  type ScheduleLint,
  type SchedulePreview,
  type EquipmentCatalogue,
  type Health,
  type HistoryKind,
  type HistoryPage,
  type LoginResponse,
  type OutputExplanation,
  type PushProgress,
  type PushSummary,
  routePath,
  type SyndicateEnergyReport,
  type Switching,
  type Template,
  type TemplateBinding,
  type TemplateCreateRequest,
  type TemplateSummary,
  type TemplateVersionRequest,
} from '@beffroi/api';
import type { z } from 'zod';

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
    return this.call(API_ROUTES.login, API_ROUTES.login.response, {}, { login, password });
  }

  async logout(): Promise<void> {
    await this.call(API_ROUTES.logout, undefined);
  }

  me(): Promise<Account> {
    return this.call(API_ROUTES.me, API_ROUTES.me.response);
  }

  communes(): Promise<CommuneSummary[]> {
    return this.call(API_ROUTES.communes, API_ROUTES.communes.response);
  }

  commune(insee: string): Promise<Commune> {
    return this.call(API_ROUTES.commune, API_ROUTES.commune.response, { insee });
  }

  /** "Ma commune" in one answer: the commune, its gateways' catalogues (null before the first) and its alarms. */
  communeOverview(insee: string): Promise<CommuneOverview> {
    return this.call(API_ROUTES.communeOverview, API_ROUTES.communeOverview.response, { insee });
  }

  points(gatewayId: string): Promise<EquipmentPoints> {
    return this.call(API_ROUTES.points, API_ROUTES.points.response, { id: gatewayId });
  }

  /** What the gateway has, with names and units; a 409 while it has not reported its catalogue. */
  equipment(gatewayId: string): Promise<EquipmentCatalogue> {
    return this.call(API_ROUTES.equipment, API_ROUTES.equipment.response, { id: gatewayId });
  }

  /** Whether central is up, and whether it runs a demonstration. */
  health(): Promise<Health> {
    return this.call(API_ROUTES.health, API_ROUTES.health.response);
  }

  explain(gatewayId: string, key: string): Promise<OutputExplanation> {
    return this.call(API_ROUTES.explain, API_ROUTES.explain.response, { id: gatewayId, key });
  }

  switchings(gatewayId: string, pointKey: string, limit: number): Promise<Switching[]> {
    const query = `?${new URLSearchParams({ pointKey, limit: String(limit) }).toString()}`;
    return this.call(API_ROUTES.switchings, API_ROUTES.switchings.response, { id: gatewayId }, undefined, query);
  }

  command(gatewayId: string, request: CommandRequest): Promise<Command> {
    return this.call(API_ROUTES.command, API_ROUTES.command.response, { id: gatewayId }, request);
  }

  /** The bell schedules the gateway runs: sequences by name, daily rings, one-off events. */
  bells(gatewayId: string): Promise<BellSchedules> {
    return this.call(API_ROUTES.bells, API_ROUTES.bells.response, { id: gatewayId });
  }

  /** Adds a one-off ring (glas, mariage, baptême, tocsin) to a bell schedule of the gateway. */
  addBellEvent(gatewayId: string, scheduleId: string, request: BellEventRequest): Promise<BellEventAnswer> {
    return this.call(API_ROUTES.bellEvent, API_ROUTES.bellEvent.response, { id: gatewayId, scheduleId }, request);
  }

  /** One page of a commune's switchings, commands or audit log, newest first. */
  history(insee: string, kind: HistoryKind, offset: number, limit: number): Promise<HistoryPage> {
    const query = `?${new URLSearchParams({ kind, offset: String(offset), limit: String(limit) }).toString()}`;
    return this.call(API_ROUTES.history, API_ROUTES.history.response, { insee }, undefined, query);
  }

  /** A commune's energy report over a period (`month=2027-03`, or `from=…&to=…`), per cabinet and output. */
  communeEnergy(insee: string, period: URLSearchParams): Promise<CommuneEnergyReport> {
    return this.call(
      API_ROUTES.communeEnergy,
      API_ROUTES.communeEnergy.response,
      { insee },
      undefined,
      `?${period.toString()}`,
    );
  }

  /** A commune's kWh month by month over the period, against the same days a year earlier. */
  communeEnergyMonths(insee: string, period: URLSearchParams): Promise<CommuneEnergyMonths> {
    const route = API_ROUTES.communeEnergyMonths;
    return this.call(route, route.response, { insee }, undefined, `?${period.toString()}`);
  }

  /** The energy report of every commune the account sees, and their total. */
  energy(period: URLSearchParams): Promise<SyndicateEnergyReport> {
    return this.call(API_ROUTES.energy, API_ROUTES.energy.response, {}, undefined, `?${period.toString()}`);
  }

  /**
   * An energy report as a file (the token goes in a header, so a plain link cannot fetch it): its bytes and the name
   * central gives it.
   */
  async energyFile(
    route: typeof API_ROUTES.communeEnergyCsv | typeof API_ROUTES.communeEnergyPdf | typeof API_ROUTES.energyCsv,
    params: Record<string, string>,
    period: URLSearchParams,
  ): Promise<{ blob: Blob; filename: string }> {
    const token = this.options.token();
    const response = await this.fetch(`${this.options.baseUrl ?? ''}${routePath(route, params)}?${period}`, {
      headers: token === undefined ? {} : { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw await this.failure(route, response);
    const disposition = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
    return { blob: await response.blob(), filename: disposition?.[1] ?? 'energie' };
  }

  alarms(insee: string): Promise<Alarm[]> {
    const query = `?${new URLSearchParams({ commune: insee, all: 'true', limit: '200' }).toString()}`;
    return this.call(API_ROUTES.alarms, API_ROUTES.alarms.response, {}, undefined, query);
  }

  acknowledge(id: number): Promise<Alarm> {
    return this.call(API_ROUTES.acknowledge, API_ROUTES.acknowledge.response, { id: String(id) });
  }

  // The syndicate's pages.

  fleet(): Promise<FleetCommune[]> {
    return this.call(API_ROUTES.fleet, API_ROUTES.fleet.response);
  }

  /** The tiles of central's config and every site of the caller's fleet, for the map. */
  fleetMap(): Promise<FleetMap> {
    return this.call(API_ROUTES.fleetMap, API_ROUTES.fleetMap.response);
  }

  /** The open alarms of every commune of the caller's tenant. */
  openAlarms(): Promise<Alarm[]> {
    const query = `?${new URLSearchParams({ limit: '500' }).toString()}`;
    return this.call(API_ROUTES.alarms, API_ROUTES.alarms.response, {}, undefined, query);
  }

  templates(): Promise<TemplateSummary[]> {
    return this.call(API_ROUTES.templates, API_ROUTES.templates.response);
  }

  template(id: string): Promise<Template> {
    return this.call(API_ROUTES.template, API_ROUTES.template.response, { id });
  }

  createTemplate(request: TemplateCreateRequest): Promise<Template> {
    return this.call(API_ROUTES.createTemplate, API_ROUTES.createTemplate.response, {}, request);
  }

  templateVersion(id: string, request: TemplateVersionRequest): Promise<Template> {
    return this.call(API_ROUTES.templateVersion, API_ROUTES.templateVersion.response, { id }, request);
  }

  pushTemplate(id: string, communes: CommuneSelection): Promise<PushProgress> {
    return this.call(API_ROUTES.pushTemplate, API_ROUTES.pushTemplate.response, { id }, { communes });
  }

  /** The accounts of the caller's tenant (a syndicate admin's). */
  accounts(): Promise<ManagedAccount[]> {
    return this.call(API_ROUTES.accounts, API_ROUTES.accounts.response);
  }

  createAccount(request: {
    login: string;
    name: string;
    role: Role;
    tenant: string;
    password: string;
  }): Promise<AccountCreated> {
    return this.call(API_ROUTES.createAccount, API_ROUTES.createAccount.response, {}, request);
  }

  /** Disables (`true`) or enables again (`false`) an account; disabling ends its sessions. */
  setAccountDisabled(login: string, disabled: boolean): Promise<ManagedAccount> {
    const route = disabled ? API_ROUTES.disableAccount : API_ROUTES.enableAccount;
    return this.call(route, route.response, { login });
  }

  async resetPassword(login: string, password: string): Promise<void> {
    await this.call(API_ROUTES.resetPassword, undefined, { login }, { password });
  }

  /** A one-time code for a gateway to enrol into the commune, shown once. */
  enrolmentCode(insee: string): Promise<EnrolmentCode> {
    return this.call(API_ROUTES.enrolmentCode, API_ROUTES.enrolmentCode.response, { insee });
  }

  /** What a template would bind to on each gateway of one commune, and where it would run: its preview. */
  templateBinding(id: string, insee: string): Promise<TemplateBinding> {
    return this.call(API_ROUTES.templateBinding, API_ROUTES.templateBinding.response, { id, insee });
  }

  pushes(): Promise<PushSummary[]> {
    return this.call(API_ROUTES.pushes, API_ROUTES.pushes.response);
  }

  push(id: string): Promise<PushProgress> {
    return this.call(API_ROUTES.push, API_ROUTES.push.response, { id });
  }

  retryPush(id: string): Promise<PushProgress> {
    return this.call(API_ROUTES.retryPush, API_ROUTES.retryPush.response, { id });
  }

  schedules(gatewayId: string): Promise<GatewaySchedules> {
    return this.call(API_ROUTES.gatewaySchedules, API_ROUTES.gatewaySchedules.response, { id: gatewayId });
  }

  desired(gatewayId: string): Promise<DesiredState> {
    return this.call(API_ROUTES.desired, API_ROUTES.desired.response, { id: gatewayId });
  }

  /** Puts a schedule (what it drives and its document) into the gateway's desired state. */
  putSchedule(gatewayId: string, scheduleId: string, item: Record<string, unknown>): Promise<ScheduleChange> {
    const params = { id: gatewayId, scheduleId };
    return this.call(API_ROUTES.putSchedule, API_ROUTES.putSchedule.response, params, item);
  }

  /** Removes the console's version of a schedule from the desired state (a config schedule of that id runs again). */
  removeSchedule(gatewayId: string, scheduleId: string): Promise<ScheduleChange> {
    const params = { id: gatewayId, scheduleId };
    return this.call(API_ROUTES.removeSchedule, API_ROUTES.removeSchedule.response, params);
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
    return this.call(API_ROUTES.scheduleLint, API_ROUTES.scheduleLint.response, {}, body);
  }

  previewSchedule(schedule: unknown, gatewaySite: GatewaySite, from: string, to: string): Promise<SchedulePreview> {
    const body = { kind: 'lighting', schedule, gatewaySite, from, to };
    return this.call(API_ROUTES.schedulePreview, API_ROUTES.schedulePreview.response, {}, body);
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
    return this.call(API_ROUTES.schedulePreview, API_ROUTES.schedulePreview.response, {}, body);
  }

  nights(request: NightsRequest): Promise<NightsResponse> {
    return this.call(API_ROUTES.scheduleNights, API_ROUTES.scheduleNights.response, {}, request);
  }

  /** The address of the live updates stream (EventSource cannot send headers: the token goes in the query). */
  eventsUrl(): string {
    const token = this.options.token() ?? '';
    return `${this.options.baseUrl ?? ''}${routePath(API_ROUTES.events)}?${new URLSearchParams({ access_token: token }).toString()}`;
  }

  private async call<S extends z.ZodType | undefined>(
    route: ApiRoute,
    schema: S,
    params: Record<string, string> = {},
    body?: unknown,
    query = '',
  ): Promise<S extends z.ZodType ? z.output<S> : undefined> {
    const token = this.options.token();
    const response = await this.fetch(`${this.options.baseUrl ?? ''}${routePath(route, params)}${query}`, {
      method: route.method.toUpperCase(),
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await this.failure(route, response);
    const text = await response.text();
    const json: unknown = text === '' ? undefined : JSON.parse(text);
    if (schema === undefined) return undefined as S extends z.ZodType ? z.output<S> : undefined;
    return schema.parse(json) as S extends z.ZodType ? z.output<S> : undefined;
  }

  /** The error of a route that failed, as central said it; a 401 ends the session. */
  private async failure(route: ApiRoute, response: Response): Promise<ApiFailure> {
    const text = await response.text();
    const error = apiError.safeParse(text === '' ? undefined : (JSON.parse(text) as unknown));
    if (response.status === 401) this.options.onUnauthenticated();
    return error.success
      ? new ApiFailure(response.status, error.data.code, error.data.message)
      : new ApiFailure(response.status, 'HTTP', `${route.method.toUpperCase()} ${route.path}: ${response.status}`);
  }
}
