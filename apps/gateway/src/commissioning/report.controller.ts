import { Body, Controller, Get, Param, Post, Res, StreamableFile } from '@nestjs/common';
import type { Response } from 'express';
import { parseInput } from '../gateway.exception';
import { reportRequestSchema } from './report-request';
import { ReportService } from './report.service';

/**
 * The procès-verbaux de recette on the local API: made from a finished test run and the fields the engineer filled,
 * listed, and given back as JSON (`:id`), a printable page (`:id.html`) or a PDF (`:id.pdf`).
 */
@Controller('commissioning/reports')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  @Post()
  create(@Body() body: unknown) {
    return this.reports.create(parseInput(reportRequestSchema, body, 'report'));
  }

  @Get()
  list() {
    return this.reports.list();
  }

  @Get(':file')
  async get(@Param('file') file: string, @Res({ passthrough: true }) response: Response) {
    const [, id = file, format] = /^(.+)\.(html|pdf)$/.exec(file) ?? [];
    if (format === 'html') {
      response.type('text/html; charset=utf-8');
      return this.reports.html(id);
    }
    if (format === 'pdf') {
      return new StreamableFile(await this.reports.pdf(id), {
        type: 'application/pdf',
        disposition: `attachment; filename="proces-verbal-${id}.pdf"`,
      });
    }
    return this.reports.get(id);
  }
}
