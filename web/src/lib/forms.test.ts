import { ZCreateHandoffBody, ZCreateSessionBody, ZSignupBody, ZStepBody } from '@rf/contracts';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { apiErrors, checkFields, fieldSentence, maxLengthOf } from './forms';

describe('field limits come from the contracts', () => {
  it('reads max lengths through trim, optional and transform wrappers', () => {
    expect(maxLengthOf(ZCreateSessionBody, 'title')).toBe(ZCreateSessionBody.shape.title.maxLength);
    expect(maxLengthOf(ZCreateSessionBody, 'title')).toBeGreaterThan(0);
    expect(maxLengthOf(ZCreateSessionBody, 'customer')).toBeGreaterThan(0);
    expect(maxLengthOf(ZStepBody, 'detail')).toBeGreaterThan(0);
    expect(maxLengthOf(ZCreateHandoffBody, 'reason')).toBeGreaterThan(0);
    expect(maxLengthOf(ZCreateHandoffBody, 'urgency')).toBeUndefined();
    expect(maxLengthOf(ZCreateSessionBody, 'nope')).toBeUndefined();
  });
});

describe('all field errors at once, in plain words', () => {
  it('lists every bad field, not only the first', () => {
    const max = maxLengthOf(ZCreateSessionBody, 'title') ?? 0;
    const errors = checkFields(ZCreateSessionBody, { title: 'x'.repeat(max + 1), problem: '  ' });
    expect(errors).toEqual({ title: `can be at most ${max} characters`, problem: 'is required' });
  });

  it('keeps the contracts’ own wording', () => {
    const errors = checkFields(ZSignupBody, {
      accountName: 'A',
      name: 'B',
      email: 'nope',
      password: 'short',
    });
    expect(errors.email).toBe('must be a valid email address');
    expect(errors.password).toBe('must have at least 8 characters');
  });

  it('makes sentences beside the field', () => {
    expect(fieldSentence('Title', 'is required')).toBe('Title is required.');
    expect(fieldSentence('What did you do?', 'is required')).toBe('This is required.');
    expect(fieldSentence('Title', 'Pick a shorter title')).toBe('Pick a shorter title.');
  });

  it('reads error.fields from a 400, and error.field when the list is absent', () => {
    const listed = new ApiError({
      status: 400,
      code: 'invalid_input',
      message: 'title: is required',
      field: 'title',
      fields: [
        { field: 'title', message: 'is required' },
        { field: 'problem', message: 'is required' },
      ],
    });
    expect(apiErrors(listed).fields).toEqual({ title: 'is required', problem: 'is required' });
    const single = new ApiError({
      status: 400,
      code: 'invalid_input',
      message: 'is required',
      field: 'title',
    });
    expect(apiErrors(single)).toEqual({ fields: { title: 'is required' }, general: null });
    const conflict = new ApiError({ status: 409, code: 'conflict', message: 'Already escalated' });
    expect(apiErrors(conflict)).toEqual({ fields: {}, general: 'Already escalated' });
  });
});
