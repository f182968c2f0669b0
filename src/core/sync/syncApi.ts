import type { DeviceInfo } from '../model/entry';
import type { Event } from '../util/emitter';

/** The spec's state machine (uninitialised → initialising → online ⇄ offline) plus paused and error. */
export type SyncState = 'uninitialised' | 'initialising' | 'online' | 'offline' | 'paused' | 'error';

export interface SyncStatus {
  state: SyncState;
  /** Records waiting to be uploaded / known remote records not yet applied locally. */
  pendingUp: number;
  pendingDown: number;
  /** Unix ms of the last successful exchange with the relay. */
  lastSyncAt?: number;
  /** Plain-language problem and the action that fixes it (state 'error' or 'offline'). */
  lastError?: { message: string; action?: string };
  deviceId?: string;
  deviceName?: string;
  /** Short fingerprint of the account key, to compare across devices (decision 5). */
  fingerprint?: string;
  relayUrl?: string;
  /** True once the initial "recent first" download finished and older history is still arriving. */
  backfilling?: boolean;
  /** Synced records skipped because they failed the checks (bad id or text, over 10 KB, unknown device…), in total. */
  rejectedRecords?: number;
}

/** Contract between the sync engine and everything that shows or drives it. */
export interface SyncApi {
  readonly status: SyncStatus;
  readonly onDidChangeStatus: Event<SyncStatus>;
  /** Fired when the synced device list changes, e.g. another device renamed itself. */
  readonly onDidChangeDevices?: Event<void>;
  /**
   * Creates a new identity from `phrase` (a new one when omitted) and uploads; returns the phrase (then kept in the
   * vault). The UI generates the phrase and calls this only after the user proved they saved it.
   */
  init(phrase?: string): Promise<{ phrase: string }>;
  /** Verifies the phrase against the relay before storing anything (decision 6). */
  join(phrase: string): Promise<{ downloaded: number }>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  syncNow(): Promise<void>;
  devices(): Promise<DeviceInfo[]>;
  renameDevice(deviceId: string, name: string): Promise<void>;
  removeDevice(deviceId: string): Promise<void>;
  /** Decision 11. */
  resetEverywhere(): Promise<void>;
  /** Decision 15: returns the new phrase. */
  rotateKey(): Promise<{ phrase: string }>;
  /** Stops sync on this device and forgets the identity (history stays). */
  leave(): Promise<void>;
  dispose(): Promise<void>;
}
