import { Controller, Param, Post } from '@nestjs/common';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { ApiDoc } from '../docs/api-doc.decorator';
import { FieldTokenService } from './field-token.service';

/** Field tokens: a person's offline access to one gateway's local API (docs/security.md). */
@Controller('api')
export class FieldTokenController {
  constructor(private readonly tokens: FieldTokenService) {}

  @Post('gateways/:id/field-token')
  @ApiDoc({
    tag: 'gateways',
    summary: "A field token for a gateway's local API",
    description:
      "Signed by central (Ed25519) for the caller's login and role, valid `fieldTokens.ttl` (12 h by default); the " +
      'gateway checks it without reaching central. A read-only role may read the local API, the other roles act on it.',
    params: { id: { description: 'The gateway id.' } },
    returns: '`{token, gatewayId, communeInsee, login, role, keyId, expiresAt}`: send `Authorization: Bearer <token>`.',
    errors: ['forbidden', 'notFound', 'conflict'],
  })
  issue(@CurrentCaller() caller: Caller, @Param('id') id: string) {
    return this.tokens.issue(caller, id);
  }
}
