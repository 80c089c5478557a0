import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE, DiscoveryModule } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AuditLog } from './audit.service';
import { AccountsController } from './auth/accounts.controller';
import { AccountLockAlarms } from './auth/account-lock-alarms';
import { AccountsService } from './auth/accounts.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { BellsController } from './bells/bells.controller';
import { BellsService } from './bells/bells.service';
import { CentralConfig } from './central.config';
import { CentralExceptionFilter } from './central.exception';
import { Clock, SystemClock } from '@beffroi/runtime';
import { CommandService } from './commands/command.service';
import { DesiredController } from './desired/desired.controller';
import { DesiredService } from './desired/desired.service';
import { ApiDocs } from './docs/api-docs.service';
import { DocsController } from './docs/docs.controller';
import { PushEvents } from './desired/push-events.service';
import { PushService } from './desired/push.service';
import { EventsController } from './events.controller';
import { EventBus } from './events.service';
import { FieldSigningKey } from './field/field-signing-key';
import { FieldTokenController } from './field/field-token.controller';
import { FieldTokenService } from './field/field-token.service';
import { CatalogueCheck } from './gateways/catalogue-check';
import { CatalogueService } from './gateways/catalogue.service';
import { GatewayService } from './gateways/gateway.service';
import { GatewaysController } from './gateways/gateways.controller';
import { FleetService } from './fleet/fleet.service';
import { HealthController } from './health.controller';
import { CommuneHistoryController } from './history/commune-history.controller';
import { CommissioningReportController } from './commissioning/commissioning-report.controller';
import { CommissioningReportService } from './commissioning/commissioning-report.service';
import { EnergyReportController } from './history/energy-report.controller';
import { EnergyReportService } from './history/energy-report.service';
import { CommuneOverviewController } from './tenants/commune-overview.controller';
import { HistoryStore } from './history/history-store.service';
import { CommuneHistoryService } from './history/commune-history.service';
import { HistoryService } from './reports/history.service';
import { openCentralDatabase } from './store/central-data-source';
import { DatabaseLifecycle } from './store/database-lifecycle';
import { OfflineAlarms } from './sync/offline-alarm.service';
import { ReportService } from './sync/report.service';
import { SyncPresence } from './sync/sync-presence';
import { ScheduleCheckService } from './schedules/schedule-check.service';
import { SchedulesController } from './schedules/schedules.controller';
import { SyncServer } from './sync/sync.server';
import { CommunesController } from './tenants/communes.controller';
import { TemplateService } from './templates/template.service';
import { TemplatesController } from './templates/templates.controller';
import { TenantService } from './tenants/tenant.service';
import { UnsafeTextPipe } from './unsafe-text.pipe';
import { compressJsonAnswers } from './json-compression';

@Module({})
export class CentralModule implements NestModule {
  /** Every route: large JSON answers go gzipped (json-compression.ts). */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(compressJsonAnswers()).forRoutes('{*path}');
  }

  /** Central from its config; the database is opened (and migrated) before anything else starts. */
  static forConfig(config: CentralConfig, clock: Clock = new SystemClock()): DynamicModule {
    return {
      module: CentralModule,
      imports: [DiscoveryModule],
      controllers: [
        HealthController,
        AuthController,
        AccountsController,
        CommunesController,
        GatewaysController,
        FieldTokenController,
        DesiredController,
        EventsController,
        SchedulesController,
        DocsController,
        TemplatesController,
        BellsController,
        CommuneHistoryController,
        EnergyReportController,
        CommissioningReportController,
        CommuneOverviewController,
      ],
      providers: [
        { provide: CentralConfig, useValue: config },
        { provide: Clock, useValue: clock },
        { provide: DataSource, useFactory: () => openCentralDatabase(config.storage.path) },
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_PIPE, useClass: UnsafeTextPipe },
        { provide: APP_FILTER, useClass: CentralExceptionFilter },
        DatabaseLifecycle,
        AuditLog,
        EventBus,
        AccountLockAlarms,
        AuthService,
        AccountsService,
        TenantService,
        SyncPresence,
        FieldSigningKey,
        GatewayService,
        FieldTokenService,
        CatalogueService,
        CatalogueCheck,
        DesiredService,
        PushService,
        CommandService,
        ReportService,
        OfflineAlarms,
        HistoryService,
        SyncServer,
        ScheduleCheckService,
        ApiDocs,
        TemplateService,
        PushEvents,
        FleetService,
        BellsService,
        CommuneHistoryService,
        EnergyReportService,
        CommissioningReportService,
        HistoryStore,
      ],
    };
  }
}
