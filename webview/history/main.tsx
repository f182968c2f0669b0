import { render } from 'preact';
import '../shared/base.css';
import './history.css';
import { connectToHost } from '../shared/host';
import { HistoryApp, type HistoryViewState } from './historyApp';

performance.mark('caro:start');
const root = document.getElementById('root');
if (root) {
  root.textContent = '';
  render(<HistoryApp host={connectToHost<HistoryViewState>('history')} />, root);
}
