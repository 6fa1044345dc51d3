/** The model picker of the forms that run something on one of your models (backtests, sweeps). */
import type { Model } from '../types.ts';

/** The model a link names (`?model=` takes an id or a name), else the first; '' when there is none. */
export function initialModelId(models: readonly Model[], ref: string | null): string {
  return models.find((m) => m.id === ref || m.name === ref)?.id ?? models[0]?.id ?? '';
}

/** A labelled select of the models by name; the value is the model id. */
export function ModelSelect({ models, value, onChange }: { models: readonly Model[]; value: string; onChange: (id: string) => void }) {
  return (
    <label>
      model
      <select value={value} onChange={(e) => onChange(e.target.value)} aria-label="model">
        {models.map((m) => (
          <option key={m.id} value={m.id}>
            {m.name}
          </option>
        ))}
      </select>
    </label>
  );
}
