import { Extension, getSchema } from '@tiptap/core'
import { Node } from '@tiptap/pm/model'
import { tipTapDefaultExtensions } from 'tldraw'
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { tiptapSchemaCache } from '../../../../vite.config.ts'
import { cachedSchema } from './tiptapCore.ts'

const doc = {
  type: 'doc',
  content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Cache', marks: [{ type: 'bold' }] }] }],
}

describe('cachedSchema', () => {
  it('builds the schema of an extension list once', () => {
    let builds = 0
    // Extension config functions run each time a schema is built from the list.
    const counting = Extension.create({
      name: 'countSchemaBuilds',
      addGlobalAttributes() {
        builds++
        return []
      },
    })
    const extensions = [...tipTapDefaultExtensions, counting]
    const first = cachedSchema(extensions)
    expect(cachedSchema(extensions)).toBe(first)
    expect(builds).toBe(1)
    // A different list is a different schema.
    expect(cachedSchema([...extensions])).not.toBe(first)
    expect(builds).toBe(2)
  })

  it('is the schema TipTap would build: same nodes, marks and parsed document', () => {
    const cached = cachedSchema(tipTapDefaultExtensions)
    const fresh = getSchema(tipTapDefaultExtensions)
    expect(Object.keys(cached.nodes)).toEqual(Object.keys(fresh.nodes))
    expect(Object.keys(cached.marks)).toEqual(Object.keys(fresh.marks))
    expect(Node.fromJSON(cached, doc).toJSON()).toEqual(Node.fromJSON(fresh, doc).toJSON())
  })
})

describe('the build', () => {
  it('hands every importer of @tiptap/core (tldraw included) this module, which itself gets the real one', async () => {
    const shim = fileURLToPath(new URL('./tiptapCore.ts', import.meta.url))
    const plugin = tiptapSchemaCache()
    const resolveId = plugin.resolveId as (this: unknown, ...args: unknown[]) => Promise<string | null>
    const context = { resolve: async (id: string) => ({ id }) }
    expect(await resolveId.call(context, '@tiptap/core', '/app/node_modules/tldraw/dist-esm/index.mjs', {})).toBe(shim)
    expect(await resolveId.call(context, '@tiptap/core', shim, {})).toBeNull()
    expect(
      await resolveId.call(context, '@tiptap/pm/model', '/app/node_modules/tldraw/dist-esm/index.mjs', {})
    ).toBeNull()
  })
})
