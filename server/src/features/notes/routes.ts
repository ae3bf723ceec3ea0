import {
  ZIdParam,
  ZNoteExport,
  ZNoteExportQuery,
  ZNoteParams,
  ZNotePreview,
  ZNotePreviewBody,
  ZTicketNotesResponse,
} from '@rf/contracts';
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.js';
import { requireAuth, requireRole } from '../../http/auth-context.js';
import { answers, api } from '../../http/respond.js';
import { parse } from '../../http/validate.js';
import { takeAssistantRead } from '../rate-limit/limiter.js';
import * as service from './service.js';

export function noteRoutes(fastify: FastifyInstance, deps: Deps) {
  const app = api(fastify);

  app.post('/api/sessions/:id/notes/preview', answers({ 200: ZNotePreview }), async (req) => {
    const auth = requireRole(req, 'engineer');
    const { id } = parse(ZIdParam, req.params, 'params');
    const body = parse(ZNotePreviewBody, req.body);
    await takeAssistantRead(deps, auth.user.id);
    return service.previewNote(deps, auth.user, id, body);
  });

  app.get('/api/sessions/:id/notes', answers({ 200: ZTicketNotesResponse }), async (req) => {
    const auth = requireAuth(req);
    const { id } = parse(ZIdParam, req.params, 'params');
    return { notes: await service.listNotes(deps, auth.user, id) };
  });

  // A download: the note as text, Markdown or a standalone HTML page. Sent as an attachment with
  // a locked-down CSP, so even a browser told to open the HTML runs nothing from it.
  app.get('/api/sessions/:id/notes/:noteId/export', answers({ 200: ZNoteExport }), async (req, reply) => {
    const auth = requireAuth(req);
    const { id, noteId } = parse(ZNoteParams, req.params, 'params');
    const q = parse(ZNoteExportQuery, req.query, 'query');
    const file = await service.exportNote(deps, auth.user, id, noteId, q.format);
    return reply
      .header('content-type', file.contentType)
      .header('content-disposition', `attachment; filename="${file.filename}"`)
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox")
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'no-store')
      .send(file.content);
  });
}
