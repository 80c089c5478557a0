import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { unsafeTextProblems } from '@beffroi/domain';
import { CentralException, CentralExceptionCode } from './central.exception';

/**
 * Refuses control and direction-override characters in every body, query and path parameter of every route, before
 * a route sees them (so no text field stores an ANSI escape, a NUL or a right-to-left override).
 */
@Injectable()
export class UnsafeTextPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const problems = unsafeTextProblems(value, metadata.type === 'param' ? (metadata.data ?? '') : '');
    const [first] = problems;
    if (first !== undefined) {
      const where = first.path === '' ? metadata.type : first.path;
      throw new CentralException(CentralExceptionCode.InvalidRequest, `invalid ${where}: ${first.message}`, problems);
    }
    return value;
  }
}
