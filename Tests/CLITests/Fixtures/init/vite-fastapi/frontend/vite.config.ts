import { defineConfig } from 'vite'

export default defineConfig({
  build: { outDir: 'build/web', assetsDir: 'static' },
})
