/**
 * Limits the relay applies to every client. The defaults let one device upload a 100 000-command history without
 * being cut off (a sync that fast is throttled, never refused) while keeping one client from filling the disk.
 */
export interface RelayLimits {
  /** Largest WebSocket message accepted (bytes); bigger ones close the connection (1009). */
  maxPayloadBytes: number;
  /** Sustained bytes per second per connection; a faster client is slowed down (reads paused), not cut off. */
  bytesPerSecond: number;
  /** Bytes a connection may send at once before the per-second rate applies. */
  burstBytes: number;
  /** Sustained sync messages per second per connection (throttled like bytes). */
  messagesPerSecond: number;
  /** Bad frames (not JSON, unknown action, wrong field types) tolerated per connection before it is closed. */
  maxBadFrames: number;
  /** Stored transaction bytes per Jazz account; content beyond it is refused and the connection closed. */
  accountQuotaBytes: number;
  /** Browser origins allowed to connect. Clients that send no Origin (the extension, the CLI) are always allowed. */
  allowedOrigins: readonly string[];
  /** Shared access token for a private relay (clients add `?token=…` to the server URL); undefined = open relay. */
  token?: string;
}

const MiB = 1024 * 1024;

export const DEFAULT_RELAY_LIMITS: RelayLimits = {
  maxPayloadBytes: MiB,
  bytesPerSecond: 8 * MiB,
  burstBytes: 32 * MiB,
  messagesPerSecond: 2000,
  maxBadFrames: 10,
  accountQuotaBytes: 512 * MiB,
  allowedOrigins: [],
};
