export { bindStoreToYDoc, DEFAULT_RECORDS_MAP, type BindStoreOptions } from './bindStoreToYDoc.ts'
export { bindPresence, PRESENCE_FIELD, PRESENCE_THROTTLE_MS, type BindPresenceOptions } from './bindPresence.ts'
export { jsonEqual, recordToYMap, writeChangedFields } from './recordFields.ts'
export { META_MAP, readStoredSchema, SCHEMA_KEY } from './roomSchema.ts'
