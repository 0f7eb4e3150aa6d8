/**
 * `@tiptap/core` as the client sees it: everything re-exported unchanged, except `generateHTML`,
 * which builds the ProseMirror schema once per extension list instead of on every call, and
 * serializes into one reused detached document instead of creating a new one per call.
 *
 * tldraw renders each shape's rich text to HTML through `generateHTML` to measure its label, and
 * TipTap rebuilds the whole schema from the extension list on each call. Opening a 4,000-shape
 * board spent ~0.8 s of its main thread building the same schema 4,000 times. The schema is
 * immutable and the extension list tldraw passes is the same array for the editor's life, so one
 * schema per list (held weakly) gives identical HTML. Wired by the `tiptapSchemaCache` plugin in
 * vite.config.ts; see `tiptapCore.test.ts`.
 */
import { getSchema, type Extensions, type JSONContent } from '@tiptap/core'
import { DOMSerializer, Node, type Fragment, type Schema } from '@tiptap/pm/model'

export * from '@tiptap/core'

const schemas = new WeakMap<Extensions, Schema>()

/** `getSchema(extensions)`, built once per extension list (the same array gets the same schema). */
export function cachedSchema(extensions: Extensions): Schema {
  let schema = schemas.get(extensions)
  if (!schema) {
    schema = getSchema(extensions)
    schemas.set(extensions, schema)
  }
  return schema
}

let detached: HTMLElement | null = null

/**
 * `getHTMLFromFragment` of `@tiptap/core` (serialize into an element of a detached HTML document,
 * read its `innerHTML`), except that the document and element are made once, not per call
 * (~16 µs a label, ~50 ms for the labels of a 4,000-shape board), and the nodes are created in
 * that detached document too, so nothing they reference starts loading in the page.
 */
function htmlOfFragment(fragment: Fragment, schema: Schema): string {
  detached ??= document.implementation.createHTMLDocument().createElement('div')
  const container = detached
  container.appendChild(
    DOMSerializer.fromSchema(schema).serializeFragment(fragment, { document: container.ownerDocument })
  )
  try {
    return container.innerHTML
  } finally {
    container.replaceChildren()
  }
}

/** `generateHTML` of `@tiptap/core`, with the schema built once per extension list. */
export function generateHTML(doc: JSONContent, extensions: Extensions): string {
  const schema = cachedSchema(extensions)
  return htmlOfFragment(Node.fromJSON(schema, doc).content, schema)
}
