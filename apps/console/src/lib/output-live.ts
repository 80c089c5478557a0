import type {
  Command,
  CommandEvent,
  OutputEvent,
  OutputExplanation,
  PointEvent,
  Switching,
  SwitchingEvent,
} from '@beffroi/api';
import { advance, isFinal } from './command-progress';

/** How many updates of commands not (yet) on the page are kept for when their POST answers. */
const EARLY_LIMIT = 100;

/**
 * The commands sent from a page, moved on by the live stream. An update can arrive before the POST that created the
 * command has answered (the gateway applies faster than central answers under load): it is kept and applied to the
 * command as soon as the answer arrives, so a command is never left showing `en attente` once it was applied.
 */
export class SentCommands {
  private readonly early = new Map<string, CommandEvent>();
  private list: Command[] = [];

  /** The commands, newest first. */
  get commands(): Command[] {
    return this.list;
  }

  /** A command central accepted (the POST's answer), with any update that came before it. */
  sent(command: Command): Command[] {
    const early = this.early.get(command.id);
    this.early.delete(command.id);
    const moved = early === undefined ? command : advance(command, early);
    this.list = [moved, ...this.list.filter((c) => c.id !== command.id)];
    return this.list;
  }

  /** A live `command` event: moves its command on, or keeps it for a command whose POST has not answered yet. */
  update(event: CommandEvent): Command[] {
    if (this.list.some((c) => c.id === event.id)) {
      this.list = this.list.map((c) => (c.id === event.id ? advance(c, event) : c));
      return this.list;
    }
    const known = this.early.get(event.id);
    if (known !== undefined && isFinal(known.status)) return this.list;
    this.early.delete(event.id);
    this.early.set(event.id, event);
    if (this.early.size > EARLY_LIMIT) {
      const [oldest] = this.early.keys();
      if (oldest !== undefined) this.early.delete(oldest);
    }
    return this.list;
  }
}

/**
 * The explanation after an `output` event of this output: the gateway's new explanation replaces the old one at once
 * (no request to central between a command and what the page shows); what central adds (the reported value, the
 * last switching) is kept until the next event that says otherwise.
 */
export function withOutputEvent(explanation: OutputExplanation | null, event: OutputEvent): OutputExplanation {
  const { pointKey, value, winner, underneath, at } = event;
  return { reported: null, lastSwitching: null, ...explanation, pointKey, value, winner, underneath, at };
}

/** The explanation after a `point` event of the output itself: the value the equipment reported. */
export function withReportedValue(explanation: OutputExplanation | null, event: PointEvent): OutputExplanation | null {
  if (explanation === null) return null;
  return { ...explanation, reported: { value: event.value, receivedAt: event.receivedAt } };
}

/** A `switching` event in the contract's form of a switching. */
export function switchingOf(event: SwitchingEvent): Switching {
  return {
    seq: event.seq,
    at: event.at,
    pointKey: event.pointKey,
    value: event.value,
    slot: event.slot ?? null,
    source: event.source,
    commandId: event.commandId ?? null,
    result: event.result,
    reason: event.reason ?? null,
  };
}

/** The output's last switchings (newest first, at most `limit`) after a `switching` event of this output. */
export function withSwitching(history: readonly Switching[], event: SwitchingEvent, limit: number): Switching[] {
  const switching = switchingOf(event);
  return [switching, ...history.filter((s) => s.seq !== switching.seq)].slice(0, limit);
}
