import { Controller, Get, Param, Post } from '@nestjs/common';
import { CurrentCaller, Public } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { ApiDoc } from '../docs/api-doc.decorator';
import { FieldSigningKey } from './field-signing-key';
import { FieldTokenService } from './field-token.service';

/** Field tokens: a person's offline access to one gateway's local API (docs/security.md). */
@Controller('api')
export class FieldTokenController {
  constructor(
    private readonly tokens: FieldTokenService,
    private readonly key: FieldSigningKey,
  ) {}

  /** The public keys field tokens are signed with: gateways refresh theirs from it (no session: they are public). */
  @Public()
  @Get('field-keys')
  @ApiDoc({
    tag: 'gateways',
    summary: 'The public keys of field tokens',
    description:
      'What gateways check field tokens with; an enrolled gateway asks for them at start and every hour, so a ' +
      'rotated key reaches them without a new enrolment.',
    returns: '`{keys: [{keyId, publicKey}]}`: the key id and its SPKI PEM text.',
  })
  keys() {
    return { keys: [this.key.published()] };
  }

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
