import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { acceptanceReportHtml, acceptanceReportPdf, Clock } from '@beffroi/runtime';
import { commissioningReportBytes, MAX_COMMISSIONING_REPORT_BYTES } from '@beffroi/sync';
import { DataSource } from 'typeorm';
import { LoadedGatewayConfig } from '../gateway.config';
import { GatewayException, GatewayExceptionCode } from '../gateway.exception';
import { ScheduleRuntime } from '../schedule/schedule-runtime.service';
import { CommissioningReportEntity } from '../store/commissioning-report.entity';
import { CentralClock } from '../sync/central-clock.service';
import { OutboxService } from '../sync/outbox.service';
import { gatewaySoftware } from '../sync/software-version';
import { SyncClient } from '../sync/sync-client.service';
import { type AcceptanceReport, buildAcceptanceReport, type ReportSwitching } from './report-content';
import type { ReportRequest } from './report-request';
import { TestRunService } from './test-run.service';

/** A report as `GET /commissioning/reports` lists it. */
export interface ReportSummary {
  id: string;
  createdAt: string;
  run: { id: string; state: string; startedBy: string };
  engineer: string;
  links: { json: string; html: string; pdf: string };
}

/**
 * The procès-verbaux de recette: made from a finished test run and the fields the engineer filled, with what the
 * gateway knows at that moment (config, profiles, schedules, the link to central), stored in SQLite for good, and
 * given back as JSON, HTML or PDF — the same document each time.
 */
@Injectable()
export class ReportService {
  private readonly logger = new Logger(ReportService.name);

  constructor(
    private readonly loaded: LoadedGatewayConfig,
    private readonly tests: TestRunService,
    private readonly runtime: ScheduleRuntime,
    private readonly sync: SyncClient,
    private readonly centralClock: CentralClock,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly outbox: OutboxService,
  ) {}

  async create(request: ReportRequest): Promise<AcceptanceReport> {
    const run = this.finishedRun(request.run);
    const sync = this.sync.status();
    const report = buildAcceptanceReport({
      id: randomUUID(),
      createdAt: this.clock.now(),
      config: this.loaded.config,
      profiles: this.loaded.profiles,
      versions: { version: gatewaySoftware().replace(/^beffroi-gateway /, ''), node: process.version },
      run,
      schedules: {
        definitions: this.loaded.schedules.map((loaded) => ({ config: loaded.config, schedule: loaded.schedule })),
        next: this.nextSwitchings(),
      },
      central: {
        reachable: sync.connected,
        clockOffsetMs: sync.clockOffsetMs,
        roundTripMs: sync.connected ? (this.centralClock.roundTripMs() ?? null) : null,
        status: sync.status,
      },
      fields: request.fields,
    });
    const bytes = commissioningReportBytes(report);
    if (bytes > MAX_COMMISSIONING_REPORT_BYTES) {
      // Refused rather than kept on the gateway only: every report made goes to central (docs/sync.md).
      throw new GatewayException(
        GatewayExceptionCode.InvalidRequest,
        `the procès-verbal would be ${bytes} bytes of JSON, more than central accepts (${MAX_COMMISSIONING_REPORT_BYTES}): ` +
          'shorten the remarks, or test fewer equipment per run',
      );
    }
    // Stored and queued for central in one transaction: a report the gateway keeps is a report central will get.
    await this.outbox.append({ class: 'commissioningReport', payload: report }, (manager) =>
      manager.getRepository(CommissioningReportEntity).insert({
        id: report.id,
        createdAt: report.createdAt,
        runId: run.id,
        reportJson: JSON.stringify(report),
      }),
    );
    this.logger.log(`procès-verbal ${report.id} made from test run ${run.id} by ${request.fields.engineer}`);
    return report;
  }

  async list(): Promise<ReportSummary[]> {
    const rows = await this.dataSource.getRepository(CommissioningReportEntity).find({ order: { createdAt: 'DESC' } });
    return rows.map((row) => {
      const report = JSON.parse(row.reportJson) as AcceptanceReport;
      const base = `/commissioning/reports/${report.id}`;
      return {
        id: report.id,
        createdAt: report.createdAt,
        run: { id: report.run.id, state: report.run.state, startedBy: report.run.startedBy },
        engineer: report.fields.engineer,
        links: { json: base, html: `${base}.html`, pdf: `${base}.pdf` },
      };
    });
  }

  async get(id: string): Promise<AcceptanceReport> {
    const row = await this.dataSource.getRepository(CommissioningReportEntity).findOneBy({ id });
    if (row === null) {
      throw new GatewayException(
        GatewayExceptionCode.UnknownReport,
        `no procès-verbal "${id}" on this gateway (GET /commissioning/reports)`,
      );
    }
    return JSON.parse(row.reportJson) as AcceptanceReport;
  }

  async html(id: string): Promise<string> {
    return acceptanceReportHtml(await this.get(id));
  }

  async pdf(id: string): Promise<Buffer> {
    return acceptanceReportPdf(await this.get(id));
  }

  /** The run the report is made from: known to the gateway and ended (400 naming `run` otherwise). */
  private finishedRun(id: string) {
    const refuse = (message: string) =>
      new GatewayException(GatewayExceptionCode.InvalidRequest, `invalid run: ${message}`, [{ path: 'run', message }]);
    const known = this.tests.list().find((run) => run.id === id);
    if (known === undefined) {
      throw refuse(`no test run "${id}" on this gateway (it keeps the last ones: GET /commissioning/tests)`);
    }
    if (known.state === 'running') throw refuse(`test run ${id} is still running: make the report once it has ended`);
    return known;
  }

  /** The schedules' next changes, as the runtime has planned them. */
  private nextSwitchings(): ReportSwitching[] {
    return this.runtime.status().schedules.flatMap((schedule) =>
      schedule.next.map((next) => ({
        at: next.at,
        schedule: schedule.id,
        what: 'ring' in next ? `sonnerie ${next.ring}` : `passe à ${JSON.stringify(next.value)}`,
      })),
    );
  }
}
