import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomFillSync } from 'node:crypto';
import type { Sqlite3Static } from '@sqlite.org/sqlite-wasm';
import { DotLock } from './fileLock';

/**
 * A small synchronous VFS that lets sqlite-wasm read and write a normal SQLite file through node:fs
 * (storage-and-crypto.md §7). sqlite-wasm has no persistent storage in Node otherwise.
 *
 * - Rollback journal (DELETE) only: no xShm*, so WAL is refused by SQLite itself.
 * - Locking: every level > NONE is one exclusive cross-process dot-lock (fileLock.ts). Readers and writers of the same
 *   file are therefore serialised, which is what keeps two VS Code windows from corrupting the file.
 * - xCheckReservedLock reports 0 while we hold SHARED, even though our own lock directory exists: otherwise SQLite
 *   never rolls back a hot journal left by a killed writer (measured: corruption).
 * - xSleep blocks with Atomics.wait so `busy_timeout` really waits.
 * Every method catches everything: an exception escaping into C is undefined behaviour.
 */
export const NODE_FS_VFS_NAME = 'caro-nodefs';

interface OpenFile {
  fd: number;
  path: string;
  isMainDb: boolean;
  deleteOnClose: boolean;
  lock: DotLock | undefined;
  lockLevel: number;
  /** The file was created by this open: its directory entry must be fsynced on the first sync. */
  needsDirSync: boolean;
}

/** The parts of the sqlite-wasm API this VFS uses (the published typings are looser than the runtime). */
interface WasmApi {
  heap8u(): Uint8Array;
  poke32(ptr: number, v: number): unknown;
  poke64(ptr: number, v: bigint): unknown;
  poke(ptr: number, v: number, type: string): unknown;
  pokePtr(ptr: number, v: number): unknown;
  cstrToJs(ptr: number): string | null;
}

interface StructLike {
  pointer: number;
  installMethods(methods: Record<string, (...args: never[]) => number>, check?: boolean): unknown;
}

let installed = false;

export function installNodeFsVfs(sqlite3: Sqlite3Static): void {
  if (installed) return;
  const capi = sqlite3.capi as unknown as Record<string, number> & {
    sqlite3_vfs: new () => StructLike & { $iVersion: number; $szOsFile: number; $mxPathname: number; $zName: number };
    sqlite3_io_methods: new () => StructLike & { $iVersion: number };
    sqlite3_file: { structInfo: { sizeof: number } };
  };
  const wasm = sqlite3.wasm as unknown as WasmApi & { allocCString(s: string): number };
  const c = (name: string): number => {
    const v = capi[name];
    if (typeof v !== 'number') throw new Error(`sqlite-wasm constant ${name} missing`);
    return v;
  };
  const SQLITE_OK = 0;
  const SQLITE_BUSY = c('SQLITE_BUSY');
  const SQLITE_CANTOPEN = c('SQLITE_CANTOPEN');
  const SQLITE_NOTFOUND = c('SQLITE_NOTFOUND');
  const SQLITE_FULL = c('SQLITE_FULL');
  const IOERR_READ = c('SQLITE_IOERR_READ');
  const IOERR_SHORT_READ = c('SQLITE_IOERR_SHORT_READ');
  const IOERR_WRITE = c('SQLITE_IOERR_WRITE');
  const IOERR_FSYNC = c('SQLITE_IOERR_FSYNC');
  const IOERR_TRUNCATE = c('SQLITE_IOERR_TRUNCATE');
  const IOERR_FSTAT = c('SQLITE_IOERR_FSTAT');
  const IOERR_LOCK = c('SQLITE_IOERR_LOCK');
  const IOERR_UNLOCK = c('SQLITE_IOERR_UNLOCK');
  const IOERR_DELETE = c('SQLITE_IOERR_DELETE');
  const IOERR_DELETE_NOENT = c('SQLITE_IOERR_DELETE_NOENT');
  const IOERR_ACCESS = c('SQLITE_IOERR_ACCESS');
  const IOERR_CLOSE = c('SQLITE_IOERR_CLOSE');
  const OPEN_READONLY = c('SQLITE_OPEN_READONLY');
  const OPEN_CREATE = c('SQLITE_OPEN_CREATE');
  const OPEN_EXCLUSIVE = c('SQLITE_OPEN_EXCLUSIVE');
  const OPEN_DELETEONCLOSE = c('SQLITE_OPEN_DELETEONCLOSE');
  const OPEN_MAIN_DB = c('SQLITE_OPEN_MAIN_DB');
  const ACCESS_EXISTS = c('SQLITE_ACCESS_EXISTS');
  const ACCESS_READWRITE = c('SQLITE_ACCESS_READWRITE');
  const SYNC_DATAONLY = c('SQLITE_SYNC_DATAONLY');
  const LOCK_NONE = c('SQLITE_LOCK_NONE');
  const LOCK_SHARED = c('SQLITE_LOCK_SHARED');

  const files = new Map<number, OpenFile>();
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const encoder = new TextEncoder();

  const ioErr = (e: unknown, fallback: number): number => {
    const code = (e as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOSPC' || code === 'EDQUOT') return SQLITE_FULL;
    return fallback;
  };
  const fsyncDir = (dir: string): void => {
    let fd: number | undefined;
    try {
      fd = fs.openSync(dir, 'r');
      fs.fsyncSync(fd);
    } catch {
      // Directories cannot be opened/fsynced on some platforms (Windows); the rename/unlink is still ordered there.
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  };

  const io = new capi.sqlite3_io_methods();
  io.$iVersion = 1;
  const vfs = new capi.sqlite3_vfs();
  vfs.$iVersion = 2;
  vfs.$szOsFile = capi.sqlite3_file.structInfo.sizeof;
  vfs.$mxPathname = 1024;
  vfs.$zName = wasm.allocCString(NODE_FS_VFS_NAME);

  const ioMethods = {
    xClose(pFile: number): number {
      const f = files.get(pFile);
      if (!f) return SQLITE_OK;
      files.delete(pFile);
      try {
        f.lock?.dispose();
        fs.closeSync(f.fd);
        if (f.deleteOnClose) fs.rmSync(f.path, { force: true });
        return SQLITE_OK;
      } catch {
        return IOERR_CLOSE;
      }
    },
    xRead(pFile: number, pDest: number, n: number, offset: bigint | number): number {
      const f = files.get(pFile);
      if (!f) return IOERR_READ;
      try {
        const pos = Number(offset);
        let done = 0;
        while (done < n) {
          const got = fs.readSync(f.fd, wasm.heap8u(), pDest + done, n - done, pos + done);
          if (got === 0) break;
          done += got;
        }
        if (done < n) {
          wasm.heap8u().fill(0, pDest + done, pDest + n);
          return IOERR_SHORT_READ;
        }
        return SQLITE_OK;
      } catch {
        return IOERR_READ;
      }
    },
    xWrite(pFile: number, pSrc: number, n: number, offset: bigint | number): number {
      const f = files.get(pFile);
      if (!f) return IOERR_WRITE;
      try {
        const pos = Number(offset);
        let done = 0;
        while (done < n) {
          done += fs.writeSync(f.fd, wasm.heap8u(), pSrc + done, n - done, pos + done);
        }
        return SQLITE_OK;
      } catch (e) {
        return ioErr(e, IOERR_WRITE);
      }
    },
    xTruncate(pFile: number, size: bigint | number): number {
      const f = files.get(pFile);
      if (!f) return IOERR_TRUNCATE;
      try {
        fs.ftruncateSync(f.fd, Number(size));
        return SQLITE_OK;
      } catch {
        return IOERR_TRUNCATE;
      }
    },
    xSync(pFile: number, flags: number): number {
      const f = files.get(pFile);
      if (!f) return IOERR_FSYNC;
      try {
        if (flags & SYNC_DATAONLY) fs.fdatasyncSync(f.fd);
        else fs.fsyncSync(f.fd);
        if (f.needsDirSync) {
          f.needsDirSync = false;
          fsyncDir(path.dirname(f.path));
        }
        return SQLITE_OK;
      } catch {
        return IOERR_FSYNC;
      }
    },
    xFileSize(pFile: number, pSize: number): number {
      const f = files.get(pFile);
      if (!f) return IOERR_FSTAT;
      try {
        wasm.poke64(pSize, BigInt(fs.fstatSync(f.fd).size));
        return SQLITE_OK;
      } catch {
        return IOERR_FSTAT;
      }
    },
    xLock(pFile: number, level: number): number {
      const f = files.get(pFile);
      if (!f) return IOERR_LOCK;
      try {
        if (f.lock && f.lockLevel === LOCK_NONE && level > LOCK_NONE && !f.lock.tryAcquire()) return SQLITE_BUSY;
        if (level > f.lockLevel) f.lockLevel = level;
        return SQLITE_OK;
      } catch {
        return IOERR_LOCK;
      }
    },
    xUnlock(pFile: number, level: number): number {
      const f = files.get(pFile);
      if (!f) return IOERR_UNLOCK;
      try {
        if (level === LOCK_NONE) f.lock?.release();
        if (level < f.lockLevel) f.lockLevel = level;
        return SQLITE_OK;
      } catch {
        return IOERR_UNLOCK;
      }
    },
    xCheckReservedLock(pFile: number, pOut: number): number {
      const f = files.get(pFile);
      let res = 0;
      if (f) {
        // 0 at SHARED even though our own lock dir exists, else no hot-journal rollback.
        if (f.lockLevel > LOCK_SHARED) res = 1;
        else if (f.lockLevel === LOCK_SHARED) res = 0;
        else res = f.lock?.existsOnDisk() ? 1 : 0;
      }
      wasm.poke32(pOut, res);
      return SQLITE_OK;
    },
    xFileControl(): number {
      return SQLITE_NOTFOUND;
    },
    xSectorSize(): number {
      return 4096;
    },
    xDeviceCharacteristics(): number {
      return 0;
    },
  };

  const vfsMethods = {
    xOpen(_pVfs: number, zName: number, pFile: number, flags: number, pOutFlags: number): number {
      try {
        let name = zName ? wasm.cstrToJs(zName) : null;
        let deleteOnClose = (flags & OPEN_DELETEONCLOSE) !== 0;
        if (!name) {
          name = path.join(os.tmpdir(), `caro-sqlite-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
          deleteOnClose = true;
        }
        const readOnly = (flags & OPEN_READONLY) !== 0;
        let mode = readOnly ? fs.constants.O_RDONLY : fs.constants.O_RDWR;
        if (flags & OPEN_CREATE) mode |= fs.constants.O_CREAT;
        if (flags & OPEN_EXCLUSIVE) mode |= fs.constants.O_EXCL;
        const existed = fs.existsSync(name);
        const fd = fs.openSync(name, mode, 0o600);
        const isMainDb = (flags & OPEN_MAIN_DB) !== 0;
        files.set(pFile, {
          fd,
          path: name,
          isMainDb,
          deleteOnClose,
          lock: isMainDb ? new DotLock(name) : undefined,
          lockLevel: LOCK_NONE,
          needsDirSync: !existed && !deleteOnClose,
        });
        wasm.pokePtr(pFile, io.pointer);
        if (pOutFlags) wasm.poke32(pOutFlags, flags);
        return SQLITE_OK;
      } catch {
        return SQLITE_CANTOPEN;
      }
    },
    xDelete(_pVfs: number, zName: number, syncDir: number): number {
      const name = wasm.cstrToJs(zName);
      if (!name) return IOERR_DELETE;
      try {
        fs.unlinkSync(name);
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ENOENT' ? IOERR_DELETE_NOENT : IOERR_DELETE;
      }
      if (syncDir) fsyncDir(path.dirname(name));
      return SQLITE_OK;
    },
    xAccess(_pVfs: number, zName: number, flags: number, pOut: number): number {
      try {
        const name = wasm.cstrToJs(zName) ?? '';
        let res = 0;
        if (flags === ACCESS_EXISTS) {
          const st = fs.statSync(name, { throwIfNoEntry: false });
          // Like unixAccess: a zero-byte regular file counts as absent.
          res = st && (!st.isFile() || st.size > 0) ? 1 : 0;
        } else {
          try {
            fs.accessSync(name, flags === ACCESS_READWRITE ? fs.constants.R_OK | fs.constants.W_OK : fs.constants.R_OK);
            res = 1;
          } catch {
            res = 0;
          }
        }
        wasm.poke32(pOut, res);
        return SQLITE_OK;
      } catch {
        return IOERR_ACCESS;
      }
    },
    xFullPathname(_pVfs: number, zName: number, nOut: number, zOut: number): number {
      const name = wasm.cstrToJs(zName) ?? '';
      const bytes = encoder.encode(path.resolve(name));
      if (bytes.length + 1 > nOut) return SQLITE_CANTOPEN;
      const heap = wasm.heap8u();
      heap.set(bytes, zOut);
      heap[zOut + bytes.length] = 0;
      return SQLITE_OK;
    },
    xRandomness(_pVfs: number, nByte: number, zOut: number): number {
      randomFillSync(wasm.heap8u(), zOut, nByte);
      return nByte;
    },
    xSleep(_pVfs: number, micros: number): number {
      Atomics.wait(sleeper, 0, 0, Math.max(1, Math.ceil(micros / 1000)));
      return micros;
    },
    xCurrentTime(_pVfs: number, pOut: number): number {
      wasm.poke(pOut, 2440587.5 + Date.now() / 86_400_000, 'double');
      return SQLITE_OK;
    },
    xCurrentTimeInt64(_pVfs: number, pOut: number): number {
      wasm.poke64(pOut, BigInt(210866760000000 + Date.now()));
      return SQLITE_OK;
    },
    xGetLastError(): number {
      return SQLITE_OK;
    },
  };

  (sqlite3 as unknown as { vfs: { installVfs(o: unknown): void } }).vfs.installVfs({
    io: { struct: io, methods: ioMethods },
    vfs: { struct: vfs, methods: vfsMethods, asDefault: false },
  });
  installed = true;
}
