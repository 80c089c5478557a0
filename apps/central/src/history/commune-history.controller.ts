import { historyPage, historyQuery } from '@beffroi/api';
import { Controller, Get, Param, Query } from '@nestjs/common';
import { inseeCode } from '@beffroi/domain';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { CommuneHistoryService } from './commune-history.service';

@Controller('api')
export class CommuneHistoryController {
  constructor(private readonly service: CommuneHistoryService) {}

  @Get('communes/:insee/history')
  @ApiDoc({
    tag: 'audit',
    summary: "A commune's history: switchings, commands or audit log, one page at a time",
    description:
      '`kind=switchings` (what its gateways switched, with the source), `kind=commands` (what people asked, with their ' +
      'login and name, and the result) or `kind=audit` (its audit log; roles that may read it only, 403 otherwise); ' +
      "newest first, `limit` (1..200, default 50) lines from `offset`; each line with the catalogue's names.",
    params: { insee: { description: 'The INSEE code of the commune.' } },
    query: historyQuery,
    returns:
      '`{kind, offset, items: [{at, gatewayId, pointKey, pointName, equipmentName, unit, what, value, result, reason, target, by, byName}], nextOffset}`.',
    response: historyPage,
    errors: ['forbidden', 'notFound'],
  })
  history(@CurrentCaller() caller: Caller, @Param('insee') insee: string, @Query() query: unknown) {
    return this.service.page(
      caller,
      parseInput(inseeCode, insee, 'INSEE code'),
      parseInput(historyQuery, query, 'query'),
    );
  }
}
