import { z } from 'zod';
import { commissioningReportSummary } from './commissioning';
import { communeEnergyMonths, communeEnergyReport, syndicateEnergyReport } from './energy';
import {
  alarm,
  bellEventAnswer,
  bellEventRequest,
  bellSchedules,
  command,
  commandRequest,
  commune,
  communeSummary,
  equipmentCatalogue,
  equipmentPoints,
  health,
  historyPage,
  account,
  loginRequest,
  loginResponse,
  outputExplanation,
  switchings,
} from './schemas';
import {
  accountCreated,
  enrolmentCode,
  fleet,
  fleetMap,
  pushProgress,
  pushSummary,
  managedAccount,
  template,
  templateBinding,
  templateCreateRequest,
  templatePushRequest,
  templateSummary,
  templateVersionRequest,
} from './syndicate';
import {
  desiredState,
  gatewaySchedules,
  nightsRequest,
  nightsResponse,
  scheduleChange,
  scheduleLint,
  schedulePreview,
} from './planning';
import { communeOverview } from './commune-page';
import { COMMUNE_OVERVIEW_PATH, EVENTS_PATH, FLEET_PATH, HEALTH_PATH, fillPath } from './first-screen';

export type HttpMethod = 'get' | 'post' | 'put' | 'delete';

/** One route the console calls: its method, its path as OpenAPI writes it, what it takes and what it answers. */
export interface ApiRoute {
  readonly method: HttpMethod;
  /** OpenAPI path, `{name}` for a parameter: `/api/gateways/{id}/points`. */
  readonly path: string;
  readonly body?: z.ZodType;
  /** What a success answers; `undefined` for 204 No Content and for an event stream. */
  readonly response?: z.ZodType;
}

/** Every route of central the console calls. A route listed here that central does not serve fails a test. */
export const API_ROUTES = {
  login: { method: 'post', path: '/api/auth/login', body: loginRequest, response: loginResponse },
  logout: { method: 'post', path: '/api/auth/logout' },
  me: { method: 'get', path: '/api/auth/me', response: account },
  communes: { method: 'get', path: '/api/communes', response: z.array(communeSummary) },
  commune: { method: 'get', path: '/api/communes/{insee}', response: commune },
  communeOverview: { method: 'get', path: COMMUNE_OVERVIEW_PATH, response: communeOverview },
  points: { method: 'get', path: '/api/gateways/{id}/points', response: equipmentPoints },
  equipment: { method: 'get', path: '/api/gateways/{id}/equipment', response: equipmentCatalogue },
  explain: { method: 'get', path: '/api/gateways/{id}/outputs/{key}', response: outputExplanation },
  switchings: { method: 'get', path: '/api/gateways/{id}/switchings', response: switchings },
  command: { method: 'post', path: '/api/gateways/{id}/commands', body: commandRequest, response: command },
  commands: { method: 'get', path: '/api/gateways/{id}/commands', response: z.array(command) },
  bells: { method: 'get', path: '/api/gateways/{id}/bells', response: bellSchedules },
  bellEvent: {
    method: 'post',
    path: '/api/gateways/{id}/bells/{scheduleId}/events',
    body: bellEventRequest,
    response: bellEventAnswer,
  },
  history: { method: 'get', path: '/api/communes/{insee}/history', response: historyPage },
  communeEnergy: { method: 'get', path: '/api/communes/{insee}/energy', response: communeEnergyReport },
  energy: { method: 'get', path: '/api/energy', response: syndicateEnergyReport },
  communeEnergyMonths: { method: 'get', path: '/api/communes/{insee}/energy/months', response: communeEnergyMonths },
  // The energy reports as files (CSV for a spreadsheet, PDF for the conseil municipal): downloads, not JSON.
  communeEnergyCsv: { method: 'get', path: '/api/communes/{insee}/energy/csv' },
  communeEnergyPdf: { method: 'get', path: '/api/communes/{insee}/energy/pdf' },
  energyCsv: { method: 'get', path: '/api/energy/csv' },
  // The procès-verbaux de recette gateways sent: a list, and each one as an HTML page or a PDF download.
  commissioningReports: {
    method: 'get',
    path: '/api/communes/{insee}/commissioning-reports',
    response: z.array(commissioningReportSummary),
  },
  commissioningReport: { method: 'get', path: '/api/communes/{insee}/commissioning-reports/{id}' },
  alarms: { method: 'get', path: '/api/alarms', response: z.array(alarm) },
  acknowledge: { method: 'post', path: '/api/alarms/{id}/acknowledge', response: alarm },
  events: { method: 'get', path: EVENTS_PATH },
  // The syndicate's pages: templates by tag, pushes and their progress, the fleet.
  templates: { method: 'get', path: '/api/templates', response: z.array(templateSummary) },
  template: { method: 'get', path: '/api/templates/{id}/versions', response: template },
  createTemplate: { method: 'post', path: '/api/templates', body: templateCreateRequest, response: template },
  templateVersion: {
    method: 'post',
    path: '/api/templates/{id}/versions',
    body: templateVersionRequest,
    response: template,
  },
  pushTemplate: { method: 'post', path: '/api/templates/{id}/push', body: templatePushRequest, response: pushProgress },
  pushes: { method: 'get', path: '/api/pushes', response: z.array(pushSummary) },
  push: { method: 'get', path: '/api/pushes/{id}', response: pushProgress },
  retryPush: { method: 'post', path: '/api/pushes/{id}/retry', response: pushProgress },
  fleet: { method: 'get', path: FLEET_PATH, response: fleet },
  fleetMap: { method: 'get', path: '/api/fleet/map', response: fleetMap },
  templateBinding: { method: 'get', path: '/api/templates/{id}/bindings/{insee}', response: templateBinding },
  // The syndicate's accounts and its gateways' enrolment codes.
  accounts: { method: 'get', path: '/api/accounts', response: z.array(managedAccount) },
  createAccount: { method: 'post', path: '/api/accounts', response: accountCreated },
  disableAccount: { method: 'post', path: '/api/accounts/{login}/disable', response: managedAccount },
  enableAccount: { method: 'post', path: '/api/accounts/{login}/enable', response: managedAccount },
  resetPassword: { method: 'put', path: '/api/accounts/{login}/password' },
  enrolmentCode: { method: 'post', path: '/api/communes/{insee}/enrolment-codes', response: enrolmentCode },
  // Planning: the schedules of a gateway, its desired state, and what a document does at one of its sites.
  gatewaySchedules: { method: 'get', path: '/api/gateways/{id}/schedules', response: gatewaySchedules },
  desired: { method: 'get', path: '/api/gateways/{id}/desired', response: desiredState },
  putSchedule: { method: 'put', path: '/api/gateways/{id}/schedules/{scheduleId}', response: scheduleChange },
  removeSchedule: { method: 'delete', path: '/api/gateways/{id}/schedules/{scheduleId}', response: scheduleChange },
  scheduleLint: { method: 'post', path: '/api/schedules/lint', response: scheduleLint },
  schedulePreview: { method: 'post', path: '/api/schedules/preview', response: schedulePreview },
  scheduleNights: { method: 'post', path: '/api/schedules/nights', body: nightsRequest, response: nightsResponse },
  health: { method: 'get', path: HEALTH_PATH, response: health },
} as const satisfies Record<string, ApiRoute>;
export type ApiRouteName = keyof typeof API_ROUTES;

/** The request path of a route: `{name}` replaced by its parameter, URI-encoded. */
export function routePath(route: ApiRoute, params: Readonly<Record<string, string>> = {}): string {
  return fillPath(route.path, params);
}
