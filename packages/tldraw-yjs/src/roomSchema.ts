import type { SerializedSchema } from '@tldraw/store'
import type { TLRecord, TLStore } from '@tldraw/tlschema'
import type * as Y from 'yjs'

/** Top-level Y.Map with facts about the board itself (not records). */
export const META_MAP = 'tldraw-meta'
/** Key of the tldraw schema (record types and migration versions) the board's records are written in. */
export const SCHEMA_KEY = 'schema'

/**
 * How a board's stored schema relates to this client's:
 * - `same` (or none stored: a board from before schemas were stored is taken as current);
 * - `older`: this client migrates the records up with tldraw's own migrations;
 * - `newer`: this client cannot read them without dropping data, and must be reloaded.
 */
export type SchemaRelation =
  { kind: 'same' } | { kind: 'older'; stored: SerializedSchema } | { kind: 'newer'; reason: string }

/** The schema stored with the board, if any. */
export function readStoredSchema(doc: Y.Doc): SerializedSchema | null {
  const raw = doc.getMap<string>(META_MAP).get(SCHEMA_KEY)
  if (typeof raw !== 'string') return null
  try {
    return JSON.parse(raw) as SerializedSchema
  } catch {
    return null
  }
}

/** Record this client's schema as the board's (in the caller's transaction). */
export function writeSchema(doc: Y.Doc, store: TLStore): void {
  const serialized = JSON.stringify(store.schema.serialize())
  const meta = doc.getMap<string>(META_MAP)
  if (meta.get(SCHEMA_KEY) !== serialized) meta.set(SCHEMA_KEY, serialized)
}

export function relateSchema(store: TLStore, stored: SerializedSchema | null): SchemaRelation {
  if (!stored) return { kind: 'same' }
  const migrations = store.schema.getMigrationsSince(stored)
  if (!migrations.ok) return { kind: 'newer', reason: String(migrations.error) }
  return migrations.value.length ? { kind: 'older', stored } : { kind: 'same' }
}

/** `record` as stored under `relation`, migrated up to this client's schema; throws if it cannot be. */
export function migrateIn(store: TLStore, record: TLRecord, relation: SchemaRelation): TLRecord {
  if (relation.kind !== 'older') return record
  const result = store.schema.migratePersistedRecord(record, relation.stored, 'up')
  if (result.type !== 'success') throw new Error(`record could not be migrated: ${result.reason}`)
  return result.value
}
