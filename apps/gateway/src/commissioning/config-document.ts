import { isMap, isSeq, parseDocument, type Document } from 'yaml';

/** An equipment entry as commissioning writes it in the config file. */
export interface EquipmentEntry {
  id: string;
  name?: string;
  profile: string;
  unit?: number;
  site?: string;
  tags?: Record<string, string[]>;
}

/** Where an equipment sits in the config file: indices of its bus and of itself. */
export interface EntryPlace {
  bus: number;
  equipment: number;
  /** The bus is the one commissioning adds with it. */
  newBus: boolean;
}

/**
 * Edits of the config file's YAML that keep its comments, key order and layout (the `yaml` library's Document API):
 * only the node added or removed changes.
 */
export class ConfigDocument {
  private readonly document: Document;

  constructor(text: string) {
    this.document = parseDocument(text);
    if (this.document.errors.length > 0) throw new Error(this.document.errors.map((e) => e.message).join('; '));
  }

  /** Adds an equipment to the bus `busId` of the file, or with a new bus (written as given, `equipment` added). */
  addEquipment(bus: string | Record<string, unknown>, entry: EquipmentEntry): EntryPlace {
    const buses = this.buses();
    if (typeof bus !== 'string') {
      buses.add(this.document.createNode({ ...bus, equipment: [entry] }));
      return { bus: buses.items.length - 1, equipment: 0, newBus: true };
    }
    const index = this.busIndex(bus);
    const list = this.document.getIn(['buses', index, 'equipment']);
    if (isSeq(list)) {
      list.add(this.document.createNode(entry));
      return { bus: index, equipment: list.items.length - 1, newBus: false };
    }
    this.document.setIn(['buses', index, 'equipment'], this.document.createNode([entry]));
    return { bus: index, equipment: 0, newBus: false };
  }

  /**
   * Removes the equipment `id`; a bus left without equipment goes with it. Answers the place it had, or undefined
   * when the file has no such equipment.
   */
  removeEquipment(id: string): EntryPlace | undefined {
    const buses = this.buses();
    for (const [b, bus] of buses.items.entries()) {
      const list = isMap(bus) ? bus.get('equipment') : undefined;
      if (!isSeq(list)) continue;
      const index = list.items.findIndex((item) => isMap(item) && item.get('id') === id);
      if (index < 0) continue;
      list.delete(index);
      const emptied = list.items.length === 0;
      if (emptied) buses.delete(b);
      return { bus: b, equipment: index, newBus: emptied };
    }
    return undefined;
  }

  toJS(): unknown {
    return this.document.toJS();
  }

  /** The text, long lines left as they are (no folding of flow collections or scalars). */
  toString(): string {
    return this.document.toString({ lineWidth: 0 });
  }

  private buses() {
    const buses = this.document.get('buses');
    if (isSeq(buses)) return buses;
    const created = this.document.createNode([]);
    this.document.set('buses', created);
    return created;
  }

  private busIndex(id: string): number {
    const index = this.buses().items.findIndex((bus) => isMap(bus) && bus.get('id') === id);
    if (index < 0) throw new Error(`the config file has no bus ${id}`);
    return index;
  }
}
