import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import react from '@vitejs/plugin-react'
import { defineConfig, type Plugin } from 'vite'

/** Where `npm run dev` finds the relay (started by scripts/dev.mjs on this port). */
const serverTarget = `http://127.0.0.1:${process.env.PORT ?? 3000}`

/**
 * Emit `sw.js` with this build's asset list inlined, so each build installs a new worker
 * that precaches exactly its own files (the room then reopens offline after one visit).
 */
function serviceWorker(): Plugin {
  return {
    name: 'loopboard-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((file) => file.startsWith('assets/'))
        .sort()
        .map((file) => `/${file}`)
      const version = createHash('sha256').update(files.join('\n')).digest('hex').slice(0, 12)
      const template = readFileSync(new URL('./apps/web/sw/sw.template.js', import.meta.url), 'utf8')
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: template
          .replaceAll('__CACHE_VERSION__', version)
          .replaceAll('__PRECACHE_MANIFEST__', JSON.stringify(files)),
      })
    },
  }
}

/**
 * Every import of `@tiptap/core` (tldraw's included) gets `apps/web/src/canvas/tiptapCore.ts`,
 * which caches the schema `generateHTML` otherwise rebuilds per call (see that file).
 */
export function tiptapSchemaCache(): Plugin {
  const shim = fileURLToPath(new URL('./apps/web/src/canvas/tiptapCore.ts', import.meta.url))
  return {
    name: 'loopboard-tiptap-schema-cache',
    enforce: 'pre',
    async resolveId(source, importer, options) {
      if (source !== '@tiptap/core' || importer === shim) return null
      return (await this.resolve(shim, importer, { ...options, skipSelf: true }))?.id ?? shim
    },
  }
}

export default defineConfig({
  root: 'apps/web',
  envDir: '../..',
  plugins: [tiptapSchemaCache(), react(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // tldraw is one large dependency; a warning for it says nothing useful.
    chunkSizeWarningLimit: 4096,
  },
  // The asset package is a list of `?url` imports; pre-bundling it would inline nothing useful and fails.
  optimizeDeps: { exclude: ['@tldraw/assets'] },
  server: {
    port: Number(process.env.VITE_PORT ?? 5173),
    proxy: {
      '/api': serverTarget,
      '/healthz': serverTarget,
      '/yjs': { target: serverTarget, ws: true },
      '/socket.io': { target: serverTarget, ws: true },
    },
  },
})
