// Entry point of the bundled language server (dist/server.js). The transport comes from the
// command line, as editors pass it: `--stdio`, `--node-ipc`, `--socket=<port>` or `--pipe=<name>`.

import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server.ts';

const connection = createConnection(ProposedFeatures.all);
startServer(connection);
connection.listen();
