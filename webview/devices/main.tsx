import { render } from 'preact';
import '../shared/base.css';
import './devices.css';
import { connectToHost } from '../shared/host';
import { DevicesApp } from './devicesApp';

const root = document.getElementById('root');
if (root) {
  root.textContent = '';
  render(<DevicesApp host={connectToHost<unknown>('devices')} />, root);
}
