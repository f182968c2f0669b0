import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import { CaroError } from '../model/errors';
import { installNodeFsVfs, NODE_FS_VFS_NAME } from './nodeFsVfs';

type InitFn = (opts?: {
  locateFile?: (file: string, prefix: string) => string;
  print?: (...args: unknown[]) => void;
  printErr?: (...args: unknown[]) => void;
}) => Promise<Sqlite3Static>;

let runtime: Promise<Sqlite3Static> | undefined;

/**
 * sqlite-wasm, initialised once per process on first use, with the node:fs VFS installed.
 * Works from source (tsx: the wasm is found next to the package's node.mjs) and from the esbuild CJS bundle
 * (scripts/build.mjs copies sqlite3.wasm next to dist/*.js).
 */
export function loadSqlite(): Promise<Sqlite3Static> {
  runtime ??= init().catch((e: unknown) => {
    runtime = undefined;
    throw e;
  });
  return runtime;
}

export { NODE_FS_VFS_NAME };

async function init(): Promise<Sqlite3Static> {
  const mod = (await import('@sqlite.org/sqlite-wasm')) as unknown as { default: InitFn } | InitFn;
  const initFn: InitFn = typeof mod === 'function' ? mod : mod.default;
  const bundled = bundledWasmPath();
  let sqlite3: Sqlite3Static;
  try {
    sqlite3 = await initFn({
      ...(bundled ? { locateFile: (file: string) => path.join(path.dirname(bundled), file) } : {}),
      print: () => {},
      printErr: () => {},
    });
  } catch (e) {
    throw new CaroError(
      'internal',
      'Caro History could not load its database engine (sqlite3.wasm is missing or damaged).',
      'Reinstall or update the Caro History extension.',
      { cause: e },
    );
  }
  // oo1 prints every failed step (e.g. "busy") to the console; we turn those into CaroErrors instead.
  try {
    const config = (sqlite3 as unknown as { config?: Record<string, unknown> }).config;
    if (config) config.warn = () => {};
  } catch {
    // read-only config: harmless console noise
  }
  installNodeFsVfs(sqlite3);
  return sqlite3;
}

/** In the CJS bundle `__dirname` is dist/, where the build copies sqlite3.wasm. From source, no such file exists. */
function bundledWasmPath(): string | undefined {
  if (typeof __dirname !== 'string') return undefined;
  const candidate = path.join(__dirname, 'sqlite3.wasm');
  return fs.existsSync(candidate) ? candidate : undefined;
}
