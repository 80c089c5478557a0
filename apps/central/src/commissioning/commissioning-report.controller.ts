import { commissioningReportQuery, commissioningReportSummary } from '@beffroi/api';
import { Controller, Get, Param, Query, StreamableFile } from '@nestjs/common';
import { inseeCode } from '@beffroi/domain';
import { acceptanceReportHtml, acceptanceReportPdf } from '@beffroi/runtime';
import { z } from 'zod';
import { CurrentCaller } from '../auth/auth.guard';
import type { Caller } from '../auth/caller';
import { parseInput } from '../central.exception';
import { ApiDoc } from '../docs/api-doc.decorator';
import { CommissioningReportService } from './commissioning-report.service';

const reportId = z.uuid({ error: 'expected a procès-verbal id (a UUID)' });

@Controller('api')
export class CommissioningReportController {
  constructor(private readonly service: CommissioningReportService) {}

  @Get('communes/:insee/commissioning-reports')
  @ApiDoc({
    tag: 'communes',
    summary: "The procès-verbaux de recette of a commune's gateways",
    description:
      'Every acceptance report a gateway of the commune made and sent through its outbox (docs/commissioning.md), ' +
      'newest first.',
    params: { insee: { description: 'The INSEE code of the commune.' } },
    returns:
      '`[{id, gatewayId, equipment: [id], sites, createdAt, result (passed | failed | aborted), summary {passed, ' +
      'failed, skipped, pending}, engineer}]`.',
    response: z.array(commissioningReportSummary),
    errors: ['forbidden', 'notFound'],
  })
  commissioningReports(@CurrentCaller() caller: Caller, @Param('insee') insee: string) {
    return this.service.list(caller, parseInput(inseeCode, insee, 'INSEE code'));
  }

  @Get('communes/:insee/commissioning-reports/:id')
  @ApiDoc({
    tag: 'communes',
    summary: 'A procès-verbal de recette, as a printable page or a PDF',
    description:
      'The document the gateway made, rendered by the same code as on the gateway: `?format=html` (the default) a ' +
      'self-contained page, `?format=pdf` a PDF attachment.',
    params: {
      insee: { description: 'The INSEE code of the commune.' },
      id: { description: 'The id of the report.' },
    },
    query: commissioningReportQuery,
    returns: 'A `text/html; charset=utf-8` page, or an `application/pdf` attachment `proces-verbal-<id>.pdf`.',
    produces: 'text/html',
    errors: ['forbidden', 'notFound'],
  })
  async commissioningReport(
    @CurrentCaller() caller: Caller,
    @Param('insee') insee: string,
    @Param('id') id: string,
    @Query() query: unknown,
  ) {
    const { format } = parseInput(commissioningReportQuery, query, 'query');
    const report = await this.service.get(
      caller,
      parseInput(inseeCode, insee, 'INSEE code'),
      parseInput(reportId, id, 'procès-verbal id'),
    );
    if (format === 'pdf') {
      return new StreamableFile(await acceptanceReportPdf(report), {
        type: 'application/pdf',
        disposition: `attachment; filename="proces-verbal-${report.id}.pdf"`,
      });
    }
    return new StreamableFile(Buffer.from(acceptanceReportHtml(report), 'utf8'), {
      type: 'text/html; charset=utf-8',
    });
  }
}
