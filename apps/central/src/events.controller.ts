import { Controller, type MessageEvent, Sse } from '@nestjs/common';
import { map, type Observable } from 'rxjs';
import { CurrentCaller } from './auth/auth.guard';
import { ApiDoc } from './docs/api-doc.decorator';
import type { Caller } from './auth/caller';
import { EventBus } from './events.service';

@Controller('api')
export class EventsController {
  constructor(private readonly events: EventBus) {}

  /**
   * Live updates for the console (Server-Sent Events): values, switchings, outputs, alarms, commands, gateways
   * online/offline, within the caller's tenant. EventSource cannot set headers: `?access_token=` is accepted here.
   */
  @Sse('events')
  @ApiDoc({
    tag: 'events',
    summary: "Live updates within the caller's tenant",
    description: 'Server-Sent Events: point, output, switching, alarm, command, gateway, desired.',
    returns: 'An event stream.',
    tokenInQuery: true,
  })
  stream(@CurrentCaller() caller: Caller): Observable<MessageEvent> {
    return this.events
      .for(caller)
      .pipe(map((event) => ({ type: event.type, data: { gatewayId: event.gatewayId, ...(event.data as object) } })));
  }
}
