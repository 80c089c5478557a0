import { Injectable } from '@nestjs/common';
import { filter, type Observable, Subject } from 'rxjs';
import { type Caller, inScope, type ScopedCommune } from './auth/caller';

export type CentralEventType = 'gateway' | 'point' | 'output' | 'switching' | 'alarm' | 'command' | 'desired' | 'push';

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

  /** Every event, whoever may see it: for central's own services that follow what happens. */
  all(): Observable<CentralEvent> {
    return this.events.asObservable();
  }

  for(caller: Caller): Observable<CentralEvent> {
    return this.events.pipe(filter((event) => inScope(caller, event.commune)));
  }
}
