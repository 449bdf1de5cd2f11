// Registers AgentGraph's custom requests (see protocol.ts) on the language server's connection.
// server.ts calls `registerCustomRequests(connection, workspace)` once, after creating the
// workspace; each handler is wrapped so an exception is logged and answered with null rather than
// taking the server down (guardConnection may wrap them again; that is harmless).

import { RequestType, type Connection } from 'vscode-languageserver/node';
import { guard, type SafetyOptions } from '../safety.ts';
import type { LanguageWorkspace } from '../workspace-api.ts';
import { DiagramService } from './diagram.ts';
import { specEvals } from './evals.ts';
import {
  DIAGRAM_METHOD,
  EVALS_METHOD,
  EXPORT_TOOL_SCHEMAS_METHOD,
  STATUS_METHOD,
  type DiagramParams,
  type DiagramResult,
  type EvalsParams,
  type EvalsResult,
  type ExportToolSchemasParams,
  type ExportToolSchemasResult,
  type StatusParams,
  type StatusResult,
} from './protocol.ts';
import { specStatus } from './status.ts';
import { exportToolSchemas } from './tool-schemas.ts';

export const DiagramRequest = new RequestType<DiagramParams, DiagramResult | null, unknown>(DIAGRAM_METHOD);
export const StatusRequest = new RequestType<StatusParams, StatusResult | null, unknown>(STATUS_METHOD);
export const EvalsRequest = new RequestType<EvalsParams, EvalsResult | null, unknown>(EVALS_METHOD);
export const ExportToolSchemasRequest = new RequestType<ExportToolSchemasParams, ExportToolSchemasResult | null, unknown>(EXPORT_TOOL_SCHEMAS_METHOD);

export interface CustomRequests {
  diagrams: DiagramService;
}

export function registerCustomRequests(connection: Connection, workspace: LanguageWorkspace): CustomRequests {
  const safety: SafetyOptions = { log: (m) => workspace.log(m) };
  const diagrams = new DiagramService(workspace);
  connection.onRequest(DiagramRequest, guard(DIAGRAM_METHOD, safety, (p: DiagramParams) => diagrams.diagram(p)));
  connection.onRequest(StatusRequest, guard(STATUS_METHOD, safety, (p: StatusParams) => specStatus(workspace, p)));
  connection.onRequest(ExportToolSchemasRequest, guard(EXPORT_TOOL_SCHEMAS_METHOD, safety, (p: ExportToolSchemasParams) => exportToolSchemas(workspace, p)));
  connection.onRequest(EvalsRequest, guard(EVALS_METHOD, safety, (p: EvalsParams) => specEvals(workspace, p)));
  return { diagrams };
}
