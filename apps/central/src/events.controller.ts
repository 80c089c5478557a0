import { Controller, type MessageEvent, Sse } from '@nestjs/common';
import { map, type Observable, takeUntil } from 'rxjs';
import { CurrentCaller, CurrentToken } from './auth/auth.guard';
import { AuthService } from './auth/auth.service';
import { ApiDoc } from './docs/api-doc.decorator';
import type { Caller } from './auth/caller';
import { EventBus } from './events.service';

@Controller('api')
export class EventsController {
  constructor(
    private readonly events: EventBus,
    private readonly auth: AuthService,
  ) {}

  /**
   * Live updates for the console (Server-Sent Events): values, switchings, outputs, alarms, commands, gateways
   * online/offline, within the caller's tenant. EventSource cannot set headers: `?access_token=` is accepted here.
   * The stream ends with its session: logout, expiry, the account disabled.
   */
  @Sse('events')
  @ApiDoc({
    tag: 'events',
    summary: "Live updates within the caller's tenant",
    description: 'Server-Sent Events: point, output, switching, alarm, command, gateway, desired, push.',
    returns: 'An event stream.',
    tokenInQuery: true,
  })
  stream(@CurrentCaller() caller: Caller, @CurrentToken() token: string): Observable<MessageEvent> {
    return this.events.for(caller).pipe(
      takeUntil(this.auth.sessionEnd(token)),
      map((event) => ({ type: event.type, data: { gatewayId: event.gatewayId, ...(event.data as object) } })),
    );
  }
}
