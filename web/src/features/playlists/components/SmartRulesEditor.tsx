import type { SmartDefinition, SmartField, SmartGroup, SmartOp, SmartRule, SmartSort } from '../../../api/types';
import { formatDuration, formatLongDuration } from '../../../lib/format';
import { Button } from '../../../ui/Button';
import { Cover } from '../../../ui/Cover';
import { ErrorAlert } from '../../../ui/feedback';
import { CloseIcon, PlusIcon } from '../../../ui/icons';
import { useSmartPreview } from '../api';

type FieldType = 'text' | 'number' | 'date' | 'bool';
type Node = SmartRule | SmartGroup;

export const FIELDS: { value: SmartField; label: string; type: FieldType; unit?: string }[] = [
  { value: 'artist', label: 'Artist', type: 'text' },
  { value: 'album_artist', label: 'Album artist', type: 'text' },
  { value: 'album', label: 'Album', type: 'text' },
  { value: 'title', label: 'Title', type: 'text' },
  { value: 'genre', label: 'Genre', type: 'text' },
  { value: 'format', label: 'Format', type: 'text' },
  { value: 'year', label: 'Year', type: 'number' },
  { value: 'play_count', label: 'Play count', type: 'number' },
  { value: 'duration', label: 'Duration', type: 'number', unit: 'seconds' },
  { value: 'bit_rate', label: 'Bit rate', type: 'number', unit: 'kbps' },
  { value: 'added', label: 'Date added', type: 'date' },
  { value: 'last_played', label: 'Last played', type: 'date' },
  { value: 'loved', label: 'Loved', type: 'bool' },
];

const OPS: Record<FieldType, { value: SmartOp; label: string }[]> = {
  text: [
    { value: 'is', label: 'is' },
    { value: 'is_not', label: 'is not' },
    { value: 'contains', label: 'contains' },
    { value: 'not_contains', label: 'does not contain' },
    { value: 'starts_with', label: 'starts with' },
    { value: 'ends_with', label: 'ends with' },
  ],
  number: [
    { value: 'is', label: 'is' },
    { value: 'is_not', label: 'is not' },
    { value: 'gt', label: 'is greater than' },
    { value: 'lt', label: 'is less than' },
    { value: 'in_range', label: 'is between' },
  ],
  date: [
    { value: 'in_the_last', label: 'in the last (days)' },
    { value: 'not_in_the_last', label: 'not in the last (days)' },
    { value: 'before', label: 'is before' },
    { value: 'after', label: 'is after' },
  ],
  bool: [{ value: 'is', label: 'is' }],
};

export const SORT_FIELDS: { value: SmartSort['field']; label: string }[] = [...FIELDS.map(({ value, label }) => ({ value, label })), { value: 'random', label: 'Random' }];
export const MAX_DEPTH = 3;
const FIELD = 'rounded-lg border border-neutral-700 bg-neutral-950 px-2 py-1.5 text-sm text-white focus:border-accent-400 focus:outline-none';

function typeOf(field: SmartField): FieldType {
  return FIELDS.find((f) => f.value === field)?.type ?? 'text';
}

function isRule(node: Node): node is SmartRule {
  return 'field' in node;
}

/** A value that suits the field and operator (kept when it still does). */
function valueFor(field: SmartField, op: SmartOp, previous?: SmartRule['value']): SmartRule['value'] {
  const type = typeOf(field);
  if (type === 'bool') return typeof previous === 'boolean' ? previous : true;
  if (type === 'text') return typeof previous === 'string' ? previous : '';
  if (op === 'in_range') return Array.isArray(previous) ? previous : [0, 0];
  if (op === 'before' || op === 'after') return typeof previous === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(previous) ? previous : new Date().toISOString().slice(0, 10);
  if (type === 'date') return typeof previous === 'number' ? previous : 30;
  return typeof previous === 'number' ? previous : 0;
}

export function newRule(field: SmartField = 'artist'): SmartRule {
  const op = OPS[typeOf(field)][0]!.value;
  return { field, op, value: valueFor(field, op) };
}

export function emptyDefinition(): SmartDefinition {
  return { rules: { all: [newRule()] }, sort: { field: 'title', order: 'asc' }, limit: null };
}

/** True when every rule has a value to compare with (an empty text box selects nothing yet). */
export function isComplete(node: Node): boolean {
  if (!isRule(node)) return children(node).every(isComplete);
  const v = node.value;
  if (typeof v === 'string') return v.trim() !== '';
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every((n) => Number.isFinite(n));
  return true;
}

function children(group: SmartGroup): Node[] {
  return group.all ?? group.any ?? [];
}

function withChildren(group: SmartGroup, nodes: Node[]): SmartGroup {
  return group.any ? { any: nodes } : { all: nodes };
}

function RuleRow({ rule, label, onChange, onRemove }: { rule: SmartRule; label: string; onChange: (r: SmartRule) => void; onRemove: () => void }) {
  const type = typeOf(rule.field);
  const unit = FIELDS.find((f) => f.value === rule.field)?.unit;
  const num = (v: string) => (v === '' ? 0 : Math.trunc(Number(v)));
  return (
    <li className="flex flex-wrap items-center gap-2" data-testid="smart-rule">
      <select aria-label={`${label} field`} className={FIELD} value={rule.field} onChange={(e) => onChange(newRule(e.target.value as SmartField))}>
        {FIELDS.map((f) => (
          <option key={f.value} value={f.value}>
            {f.label}
          </option>
        ))}
      </select>
      <select aria-label={`${label} operator`} className={FIELD} value={rule.op} onChange={(e) => onChange({ ...rule, op: e.target.value as SmartOp, value: valueFor(rule.field, e.target.value as SmartOp, rule.op === 'in_range' || e.target.value === 'in_range' ? undefined : rule.value) })}>
        {OPS[type].map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {type === 'bool' ? (
        <select aria-label={`${label} value`} className={FIELD} value={String(rule.value)} onChange={(e) => onChange({ ...rule, value: e.target.value === 'true' })}>
          <option value="true">yes</option>
          <option value="false">no</option>
        </select>
      ) : type === 'text' ? (
        <input aria-label={`${label} value`} className={`${FIELD} min-w-[10rem] flex-1`} value={String(rule.value)} maxLength={500} onChange={(e) => onChange({ ...rule, value: e.target.value })} />
      ) : rule.op === 'in_range' && Array.isArray(rule.value) ? (
        <>
          <input aria-label={`${label} from`} type="number" className={`${FIELD} w-24`} value={rule.value[0]} onChange={(e) => onChange({ ...rule, value: [num(e.target.value), (rule.value as number[])[1]!] })} />
          <span className="text-sm text-neutral-400">and</span>
          <input aria-label={`${label} to`} type="number" className={`${FIELD} w-24`} value={rule.value[1]} onChange={(e) => onChange({ ...rule, value: [(rule.value as number[])[0]!, num(e.target.value)] })} />
        </>
      ) : rule.op === 'before' || rule.op === 'after' ? (
        <input aria-label={`${label} value`} type="date" className={FIELD} value={String(rule.value)} onChange={(e) => onChange({ ...rule, value: e.target.value })} />
      ) : (
        <input aria-label={`${label} value`} type="number" className={`${FIELD} w-28`} value={Number(rule.value)} onChange={(e) => onChange({ ...rule, value: num(e.target.value) })} />
      )}
      {unit && <span className="text-xs text-neutral-500">{unit}</span>}
      <button type="button" aria-label={`Remove ${label}`} onClick={onRemove} className="rounded p-1.5 text-neutral-400 hover:text-red-300">
        <CloseIcon className="h-4 w-4" />
      </button>
    </li>
  );
}

function GroupEditor({ group, depth, label, onChange, onRemove }: { group: SmartGroup; depth: number; label: string; onChange: (g: SmartGroup) => void; onRemove?: () => void }) {
  const nodes = children(group);
  const set = (i: number, node: Node) => onChange(withChildren(group, nodes.map((n, j) => (j === i ? node : n))));
  const drop = (i: number) => onChange(withChildren(group, nodes.filter((_, j) => j !== i)));
  return (
    <fieldset className={`space-y-2 ${depth > 1 ? 'rounded-lg border border-neutral-800 p-3' : ''}`} aria-label={label}>
      <div className="flex items-center gap-2 text-sm text-neutral-300">
        Match
        <select aria-label={`${label}: match`} className={FIELD} value={group.any ? 'any' : 'all'} onChange={(e) => onChange(e.target.value === 'any' ? { any: nodes } : { all: nodes })}>
          <option value="all">all</option>
          <option value="any">any</option>
        </select>
        of these rules
        {onRemove && (
          <button type="button" aria-label={`Remove ${label}`} onClick={onRemove} className="ml-auto rounded p-1.5 text-neutral-400 hover:text-red-300">
            <CloseIcon className="h-4 w-4" />
          </button>
        )}
      </div>
      <ul className="space-y-2">
        {nodes.map((node, i) =>
          isRule(node) ? (
            <RuleRow key={i} rule={node} label={`${label === 'Rules' ? 'Rule' : `${label}, rule`} ${i + 1}`} onChange={(r) => set(i, r)} onRemove={() => drop(i)} />
          ) : (
            <li key={i}>
              <GroupEditor group={node} depth={depth + 1} label={`${label === 'Rules' ? 'Group' : `${label}, group`} ${i + 1}`} onChange={(g) => set(i, g)} onRemove={() => drop(i)} />
            </li>
          ),
        )}
      </ul>
      <div className="flex gap-2">
        <Button variant="ghost" onClick={() => onChange(withChildren(group, [...nodes, newRule()]))}>
          <PlusIcon className="h-4 w-4" /> Add rule
        </Button>
        {depth < MAX_DEPTH && (
          <Button variant="ghost" onClick={() => onChange(withChildren(group, [...nodes, { any: [newRule()] }]))}>
            <PlusIcon className="h-4 w-4" /> Add group
          </Button>
        )}
      </div>
    </fieldset>
  );
}

/** Rules, order and limit of a smart playlist, with a live preview of what they select. */
export function SmartRulesEditor({ value, onChange }: { value: SmartDefinition; onChange: (d: SmartDefinition) => void }) {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="space-y-4">
        <GroupEditor group={value.rules} depth={1} label="Rules" onChange={(rules) => onChange({ ...value, rules })} />
        <div className="flex flex-wrap items-center gap-2 text-sm text-neutral-300">
          <label className="flex items-center gap-2">
            Sort by
            <select aria-label="Sort by" className={FIELD} value={value.sort.field} onChange={(e) => onChange({ ...value, sort: { ...value.sort, field: e.target.value as SmartSort['field'] } })}>
              {SORT_FIELDS.map((f) => (
                <option key={f.value} value={f.value}>
                  {f.label}
                </option>
              ))}
            </select>
          </label>
          {value.sort.field !== 'random' && (
            <select aria-label="Order" className={FIELD} value={value.sort.order} onChange={(e) => onChange({ ...value, sort: { ...value.sort, order: e.target.value as SmartSort['order'] } })}>
              <option value="asc">ascending</option>
              <option value="desc">descending</option>
            </select>
          )}
          <label className="flex items-center gap-2">
            Limit
            <input
              aria-label="Limit"
              type="number"
              min={1}
              max={10000}
              placeholder="none"
              className={`${FIELD} w-24`}
              value={value.limit ?? ''}
              onChange={(e) => onChange({ ...value, limit: e.target.value === '' ? null : Math.max(1, Math.min(10000, Math.trunc(Number(e.target.value)))) })}
            />
            tracks
          </label>
        </div>
      </div>
      <SmartPreview value={value} />
    </div>
  );
}

function SmartPreview({ value }: { value: SmartDefinition }) {
  const complete = isComplete(value.rules);
  const q = useSmartPreview(value, (d) => isComplete(d.rules));
  return (
    <section aria-label="Preview" className="space-y-2 rounded-xl border border-neutral-800 bg-neutral-900/60 p-4">
      <h2 className="text-sm font-semibold text-white">
        Preview
        {q.data && (
          <span className="ml-2 font-normal text-neutral-400" data-testid="smart-preview-total">
            {q.data.total} {q.data.total === 1 ? 'track' : 'tracks'}
            {q.data.duration > 0 && ` · ${formatLongDuration(q.data.duration)}`}
          </span>
        )}
        {q.isFetching && <span className="ml-2 text-xs text-neutral-500">updating…</span>}
      </h2>
      {!complete ? (
        <p className="text-sm text-neutral-400">Fill in every rule to see which tracks it selects.</p>
      ) : q.isError ? (
        <ErrorAlert error={q.error} />
      ) : q.data && q.data.items.length === 0 ? (
        <p className="text-sm text-neutral-400">No track matches these rules.</p>
      ) : (
        <ol className="space-y-1" aria-label="Preview tracks">
          {q.data?.items.map((t) => (
            <li key={t.id} className="flex items-center gap-2">
              <Cover seed={t.album?.id ?? t.id} label={t.album?.title ?? t.title} src={t.artwork?.small} className="h-8 w-8 shrink-0" />
              <span className="min-w-0 flex-1">
                <span className="block truncate text-sm text-white">{t.title}</span>
                <span className="block truncate text-xs text-neutral-400">{t.artist_name}</span>
              </span>
              <span className="text-xs tabular-nums text-neutral-500">{formatDuration(t.duration)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
