import { Injectable } from '@nestjs/common';
import { filter, type Observable, Subject } from 'rxjs';
import { type Caller, inScope, type ScopedCommune } from './auth/caller';

export type CentralEventType = 'gateway' | 'point' | 'output' | 'switching' | 'alarm' | 'command' | 'desired';

/** Something the console shows live: a value reported, a command that moved on, a gateway that came online… */
export interface CentralEvent {
  type: CentralEventType;
  commune: ScopedCommune;
  gatewayId: string;
  data: unknown;
}

/** Live updates for the console, each seen only by callers whose tenant covers its commune. */
@Injectable()
export class EventBus {
  private readonly events = new Subject<CentralEvent>();

  publish(event: CentralEvent): void {
    this.events.next(event);
  }

  for(caller: Caller): Observable<CentralEvent> {
    return this.events.pipe(filter((event) => inScope(caller, event.commune)));
  }
}
