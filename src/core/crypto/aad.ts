/**
 * Additional authenticated data (AAD) for every Caro ciphertext.
 *
 * DO NOT MODIFY: wire format. These strings are bound into every stored and synced ciphertext; changing a single
 * character makes all existing data undecryptable. A new format needs a new version tag (`caro|v2|…`) and code that
 * keeps reading v1. Frozen by test/fixtures/crypto/blobFrozen.json.
 */
import { CaroError } from '../model/errors';

const SEPARATOR = '|';

function part(name: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0 || value.includes(SEPARATOR)) {
    // The separator may not appear inside a part, otherwise two different (entity, id, field) triples could share
    // one AAD string and a ciphertext could be moved between them.
    throw new CaroError(
      'internal',
      `Cannot encrypt: the ${name} is empty or contains "${SEPARATOR}".`,
      'This is a bug in Caro History; please report it.',
    );
  }
  return value;
}

/** `caro|v1|<entity>|<record id>|<field>`: binds a field ciphertext to its entity type, record and field. */
export function fieldAad(entity: string, recordId: string, field: string): string {
  return ['caro', 'v1', part('entity', entity), part('record id', recordId), part('field', field)].join(SEPARATOR);
}

/** `caro|v1|batch|<device id>|<sequence>`: binds a sync batch to the device log and its position in it. */
export function batchAad(deviceId: string, sequence: number): string {
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new CaroError(
      'internal',
      'Cannot encrypt: a batch sequence number must be a whole number of zero or more.',
      'This is a bug in Caro History; please report it.',
    );
  }
  return ['caro', 'v1', 'batch', part('device id', deviceId), String(sequence)].join(SEPARATOR);
}
