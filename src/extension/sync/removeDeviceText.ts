/**
 * What removing a device does and does not do. Removing is not revocation: the removed device still holds the
 * recovery phrase and can join again; only rotating the phrase locks it out. Device names are untrusted synced text,
 * so they appear only in modal dialogs (plain text), never in a notification (which renders Markdown links).
 * No vscode import: the Devices view controller uses it too.
 */
export const REMOVE_DEVICE_DETAIL =
  'It disappears from your device list. Commands it already synced stay in your history.\n\n' +
  'Removing does not lock it out: that device still knows your recovery phrase and can join again. If it was lost, ' +
  'stolen or is no longer yours, choose "Remove and Rotate Phrase": your history moves to a new phrase and the old ' +
  'one stops working (your other devices then join again with the new phrase).';

/** The same warning where the dialog has no rotate button (the Devices view): names the command instead. */
export const REMOVE_DEVICE_DETAIL_NO_ROTATE_BUTTON = REMOVE_DEVICE_DETAIL.replace(
  'choose "Remove and Rotate Phrase"',
  'also run "Caro History: Rotate Recovery Phrase" after removing it',
);

export const REMOVE_LABEL = 'Remove Device';
export const REMOVE_AND_ROTATE_LABEL = 'Remove and Rotate Phrase';
