import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { FieldKeyRefresher } from './access/field-key.refresher';
import { FieldKeyStore } from './access/field-key.store';
import { LocalAccessGuard } from './access/local-access.guard';
import { LocalCredential } from './access/local-credential';
import { LocalApiTransport } from './access/local-tls';
import { AlarmMonitor } from './alarms/alarm-monitor.service';
import { AlarmService } from './alarms/alarm.service';
import { AlarmsController } from './alarms/alarms.controller';
import { PollingMonitor } from './alarms/polling-monitor.service';
import { AdjustableClock, Clock, SystemClock } from '@beffroi/runtime';
import { BindController } from './commissioning/bind.controller';
import { BindService } from './commissioning/bind.service';
import { CheckService } from './commissioning/check.service';
import { CommissioningController } from './commissioning/commissioning.controller';
import { CommissioningService } from './commissioning/commissioning.service';
import { ReportController } from './commissioning/report.controller';
import { ReportService } from './commissioning/report.service';
import { TestRunController } from './commissioning/test-run.controller';
import { TestRunService } from './commissioning/test-run.service';
import { BellService } from './control/bell.service';
import { ControlController } from './control/control.controller';
import { LocalWriteService } from './control/local-write.service';
import { UntilService } from './control/until.service';
import { ControlService } from './control/control.service';
import { SwitchingLog } from './control/switching-log.service';
import { FieldService } from './field/field.service';
import { LoadedGatewayConfig } from './gateway.config';
import { GatewayExceptionFilter } from './gateway.exception';
import { HealthController } from './health.controller';
import { PointStore } from './points/point-store.service';
import { PointsController } from './points/points.controller';
import { PointsService } from './points/points.service';
import { PollerService } from './points/poller.service';
import { WriteService } from './points/write.service';
import { ScheduleRuntime } from './schedule/schedule-runtime.service';
import { DatabaseLifecycle } from './store/database-lifecycle';
import { openGatewayDatabase } from './store/gateway-data-source';
import { CentralClock } from './sync/central-clock.service';
import { CommandExecutor } from './sync/command-executor.service';
import { CredentialStore } from './sync/credential.store';
import { CatalogueReporter } from './sync/catalogue.reporter';
import { DesiredStateService } from './sync/desired-state.service';
import { EnrolmentClient } from './sync/enrolment.client';
import { EnrolmentController } from './sync/enrolment.controller';
import { HealthReporter } from './sync/health.reporter';
import { OutboxService } from './sync/outbox.service';
import { SyncClient } from './sync/sync-client.service';
import { SyncSocketFactory } from './sync/sync-socket.factory';
import { SyncStateStore } from './sync/sync-state.store';
import { SyncController } from './sync/sync.controller';
import { TelemetryBuckets } from './sync/telemetry-buckets';
import { TelemetryReporter } from './sync/telemetry.reporter';

@Module({})
export class GatewayModule {
  /**
   * The gateway from its loaded config; the database is opened (and migrated) before anything else starts.
   * `transport`: how main.ts serves the local API (its TLS certificate's fingerprint), for `/health`. `clock`: the
   * one the config's `clock.mode` says unless told (tests pass a `ManualClock`).
   */
  static forConfig(
    loaded: LoadedGatewayConfig,
    transport = new LocalApiTransport(),
    clock: Clock = loaded.config.clock.mode === 'adjustable' ? new AdjustableClock() : new SystemClock(),
  ): DynamicModule {
    return {
      module: GatewayModule,
      controllers: [
        HealthController,
        PointsController,
        ControlController,
        SyncController,
        AlarmsController,
        CommissioningController,
        BindController,
        TestRunController,
        ReportController,
        EnrolmentController,
      ],
      providers: [
        { provide: LoadedGatewayConfig, useValue: loaded },
        { provide: LocalApiTransport, useValue: transport },
        { provide: APP_FILTER, useClass: GatewayExceptionFilter },
        { provide: APP_GUARD, useClass: LocalAccessGuard },
        LocalCredential,
        FieldKeyStore,
        FieldKeyRefresher,
        { provide: Clock, useValue: clock },
        { provide: DataSource, useFactory: () => openGatewayDatabase(loaded.config.storage.path) },
        { provide: FieldService, useFactory: () => FieldService.create(loaded) },
        PointStore,
        PollerService,
        WriteService,
        PointsService,
        DatabaseLifecycle,
        SwitchingLog,
        ControlService,
        UntilService,
        LocalWriteService,
        BellService,
        ScheduleRuntime,
        SyncStateStore,
        OutboxService,
        CentralClock,
        CredentialStore,
        EnrolmentClient,
        SyncSocketFactory,
        DesiredStateService,
        CatalogueReporter,
        CommandExecutor,
        TelemetryReporter,
        TelemetryBuckets,
        HealthReporter,
        AlarmService,
        AlarmMonitor,
        PollingMonitor,
        SyncClient,
        CommissioningService,
        CheckService,
        BindService,
        TestRunService,
        ReportService,
      ],
    };
  }
}
