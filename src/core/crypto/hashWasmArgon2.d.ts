// Types for the small argon2-only bundle of hash-wasm (~30 KB instead of ~210 KB for the whole library).
declare module 'hash-wasm/dist/argon2.umd.min.js' {
  export { argon2id } from 'hash-wasm/dist/lib/argon2';
}
