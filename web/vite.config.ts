import { defineConfig } from "vite";

// No React plugin: esbuild compiles TSX with the automatic runtime, which is all a
// production build needs (fast refresh in `npm run dev` is the only thing given up).
export default defineConfig({
  esbuild: { jsx: "automatic" },
  build: {
    outDir: "dist",
    assetsDir: "assets",
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // Ant Design marks its modules "use client" for React Server Components, which a
      // browser-only bundle ignores anyway.
      onwarn(warning, warn) {
        if (warning.code === "MODULE_LEVEL_DIRECTIVE") return;
        warn(warning);
      },
      output: {
        // Libraries that every page uses change rarely: their own long-cached chunks.
        manualChunks: {
          react: ["react", "react-dom", "react-router-dom"],
          antd: ["antd", "@ant-design/icons", "dayjs"],
        },
      },
    },
  },
  server: {
    // `npm run dev` against a running `./deploy/dev up` stack.
    proxy: {
      "/v1": "http://127.0.0.1:8080",
      "/openapi.json": "http://127.0.0.1:8080",
      "/console-config.json": "http://127.0.0.1:8080",
    },
  },
});
