import { Body, Controller, Post } from '@nestjs/common';
import { z } from 'zod';
import { GatewayException, GatewayExceptionCode, parseInput } from '../gateway.exception';
import { LoadedGatewayConfig } from '../gateway.config';
import { SyncClient } from './sync-client.service';

const CODE_ERROR = 'expected the enrolment code given by central (console, Syndicat → Enrôlement)';

/** `POST /sync/enrolment`: the one-time code typed on the commissioning page. */
export const pageEnrolmentSchema = z.strictObject({
  code: z.string({ error: CODE_ERROR }).trim().min(1, { error: CODE_ERROR }).max(200, { error: CODE_ERROR }),
});

/**
 * Enrolment from the commissioning page: the engineer types the code central gave, the gateway exchanges it at once
 * with the enrolment client, keeps the credential and starts the sync, and answers central's verdict in words — a
 * refused code, central out of reach, a gateway enrolled already — instead of retrying in the background.
 */
@Controller('sync')
export class EnrolmentController {
  constructor(
    private readonly sync: SyncClient,
    private readonly loaded: LoadedGatewayConfig,
  ) {}

  @Post('enrolment')
  async enrol(@Body() body: unknown) {
    const { code } = parseInput(pageEnrolmentSchema, body, 'enrolment');
    const central = this.loaded.config.central?.url ?? '';
    const answer = await this.sync.enrolFromPage(code);
    switch (answer.outcome) {
      case 'enrolled':
        return {
          gatewayId: answer.gatewayId,
          communeInsee: answer.communeInsee ?? this.loaded.config.commune.insee,
          central,
          state: this.sync.status().state,
        };
      case 'not-configured':
        throw new GatewayException(
          GatewayExceptionCode.NoCentral,
          'this gateway has no central section in its config (central.url): add one and restart it to enrol it',
        );
      case 'already-enrolled':
        throw new GatewayException(
          GatewayExceptionCode.AlreadyEnrolled,
          `this gateway is enrolled with central already (its credential is in ${answer.credentialFile}); ` +
            'to enrol it again, stop it, delete that file and start it',
        );
      case 'busy':
        throw new GatewayException(
          GatewayExceptionCode.EnrolmentRunning,
          'an enrolment code is being exchanged with central already: wait for its outcome (GET /sync)',
        );
      case 'refused':
        if (answer.status === 409) {
          throw new GatewayException(GatewayExceptionCode.AlreadyEnrolled, answer.message);
        }
        throw new GatewayException(GatewayExceptionCode.EnrolmentCodeRefused, answer.message, [
          { path: 'code', message: answer.message },
        ]);
      case 'unreachable':
        throw new GatewayException(
          GatewayExceptionCode.CentralUnreachable,
          `central (${central}) could not be reached: ${answer.message}; nothing was changed, try again once it answers`,
        );
      case 'unwritable':
        throw new Error(answer.message);
    }
  }
}
