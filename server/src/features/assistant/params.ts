/** Model tunables (global, not per playbook or scenario). */
export const ENGINE_PARAMS = {
  /** How many top-ranked playbooks contribute candidate causes. */
  topPlaybooks: 3,
  /** Playbooks scoring below this fraction of the best one are not candidates. */
  minRelativeScore: 0.3,
  /** Weight of log(relative playbook score) in a cause's starting log-odds. */
  playbookAlpha: 2.5,
  /** Max log-odds bonus for a cause whose typical signs match the problem text. */
  signBeta: 2,
  /** Log-odds for a sign the problem states in full, scaled by its words' rarity (idf sum / signHitIdf, max 1). */
  signHitBeta: 1,
  /** ... when the sign sits in a clause that names the ticket's context (a change, a circumstance). */
  signContextBeta: 2,
  signHitIdf: 9,
  /** BM25 score at which the sign bonus is half of signBeta. */
  signTau: 4,
  /** Query weight of problem/title terms vs. timeline terms. */
  problemWeight: 2,
  /** Query weight of the technical words a user-language phrase adds. */
  phraseWeight: 1,
  /** A change that did not help weakens its cause by this share of the looking check's telling effect. */
  changeFailedShare: 0.5,
  /** A change that helped in part supports its cause by this share. */
  changePartialShare: 0.3,
  /** Log-odds a cause gains when a logged change applied its fix and it worked. */
  fixWorked: 2,
  /** Strength at or above which a step counts as having performed a check. */
  matchThreshold: 0.8,
  /** A cause counts as confirmed (startHere offers its fix) above this confidence + step support. */
  confirmConfidence: 0.6,
  confirmSupport: 2,
  /** A code in the problem adds this many "top playbook scores" (x0.5) to the playbooks listing it. */
  codeRetrievalBoost: 1,
  /** Log-odds a cause gains when the problem (or a logged finding) shows one of its codes. */
  codeBeta: 2.5,
  stepCodeBeta: 2,
  /** Log-odds a cause gains when a logged finding reads like one of its typical signs. */
  signFindingBeta: 1,
  /** Similarity (0..1) from which a resolved case of the account counts as "seen before". */
  historyMin: 0.35,
  /** Similarity from which a resolved case's fix is offered as Start here. */
  historyStrong: 0.5,
  /** Log-odds a cause gains per unit of similarity of a resolved case that ended in it. */
  historyBeta: 2.5,
  /** A problem word no candidate playbook uses counts for coverage only if this share of playbooks uses it. */
  commonShare: 0.02,
  /** Below this idf-weighted share of the problem's known words matched, retrieval is weak. */
  minCoverage: 0.3,
  /** Below this top confidence (and without a dominant playbook) the assessment is "No strong match". */
  strongConfidence: 0.25,
  strongPlaybookMass: 0.5,
  /** ... or the likeliest kind of problem holds this many times the next one's confidence (and is plausible). */
  strongPlaybookLead: 1.5,
  /** Unsure and no kind of problem holds this much confidence: gather information, don't guess a check. */
  plausiblePlaybookMass: 0.35,
  /** Causes under this confidence are not proposed as next steps. */
  minPlanConfidence: 0.03,
} as const;
