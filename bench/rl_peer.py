"""Peer figures for bench/rl.bench.ts, same run, same sizes.

env: a gym-anytrading-style single-instrument env step in Python over numpy arrays
     (window copy of a precomputed feature matrix, cash accounting, fixed fees), steps/s.
ppo: PyTorch 1.13 CPU, LSTM actor-critic (hidden 32) PPO with the same rollout and update
     shapes as ours (N envs x T steps of one-step LSTM calls, then epochs x minibatches of
     [chunks, seqLen, obsDim] forward/backward + Adam), env steps/s. Prints JSON.
"""
import json, sys, time
import numpy as np
import torch

args = json.loads(sys.argv[1])
torch.set_num_threads(args["threads"])
rng = np.random.default_rng(1)
n, F, W = 5550, 10, 4
feats = rng.standard_normal((n, F)).astype(np.float32)
close = 100 * np.exp(np.cumsum(0.01 * rng.standard_normal(n)))

def env_bench(steps):
    obs = np.zeros(W * F + 3, np.float32)
    t, cash, pos, entry = 50, 1e5, 0.0, 0.0
    acts = rng.integers(0, 5, steps)
    t0 = time.perf_counter()
    for k in range(steps):
        a = acts[k]; p = close[t]
        if a == 0 and pos == 0:
            q = (0.95 * cash) // p; pos = q; cash -= q * p + 25; entry = p
        elif a == 2 and pos > 0:
            cash += pos * p - 35; pos = 0
        t += 1
        if t >= n - 1: t = 50; cash, pos = 1e5, 0.0
        eq = cash + pos * close[t]
        obs[: W * F] = feats[t - W + 1 : t + 1].reshape(-1)
        obs[W * F] = 1.0 if pos > 0 else 0.0
        obs[W * F + 1] = pos * (close[t] - entry) / eq
        obs[W * F + 2] = cash / 1e5 - 1
    return steps / (time.perf_counter() - t0)

class AC(torch.nn.Module):
    def __init__(s, D, H=32, A=5):
        super().__init__(); s.lstm = torch.nn.LSTM(D, H, batch_first=True); s.pi = torch.nn.Linear(H, A); s.v = torch.nn.Linear(H, 1)
    def forward(s, x, h):
        o, h = s.lstm(x, h); return s.pi(o), s.v(o).squeeze(-1), h

def ppo_bench(N, T, L, epochs, M, iters):
    D = W * F + 3; H = 32
    net = AC(D); opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    total = 0; t0 = time.perf_counter()
    for _ in range(iters):
        obs = torch.zeros(T, N, D); acts = torch.zeros(T, N, dtype=torch.long); logp = torch.zeros(T, N)
        h = (torch.zeros(1, N, H), torch.zeros(1, N, H))
        with torch.no_grad():
            for t in range(T):
                o = torch.from_numpy(np.resize(feats[t : t + W].reshape(-1), (N, D)))
                obs[t] = o
                lg, v, h = net(o.unsqueeze(1), h)
                d = torch.distributions.Categorical(logits=lg[:, 0]); a = d.sample(); acts[t] = a; logp[t] = d.log_prob(a)
        adv = torch.randn(T, N); ret = torch.randn(T, N)
        K = T // L
        for _ in range(epochs):
            perm = torch.randperm(K * N)
            for b in range(0, K * N - M + 1, M):
                idx = perm[b : b + M]; k = idx // N; i = idx % N
                rows = (k[:, None] * L + torch.arange(L)[None, :])
                x = obs[rows, i[:, None]]; a = acts[rows, i[:, None]]; olp = logp[rows, i[:, None]]
                A_ = adv[rows, i[:, None]]; R = ret[rows, i[:, None]]
                lg, v, _ = net(x, (torch.zeros(1, M, H), torch.zeros(1, M, H)))
                lps = torch.log_softmax(lg, -1); nlp = lps.gather(-1, a.unsqueeze(-1)).squeeze(-1)
                ratio = torch.exp(nlp - olp)
                pl = -torch.min(ratio * A_, torch.clamp(ratio, 0.8, 1.2) * A_).mean()
                vl = ((v - R) ** 2).mean(); ent = -(lps.exp() * lps).sum(-1).mean()
                loss = pl + 0.5 * vl - 0.01 * ent
                opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(net.parameters(), 0.5); opt.step()
        total += N * T
    return total / (time.perf_counter() - t0)

out = {"env": max(env_bench(200_000) for _ in range(2))}
c = args["ppo"]
ppo_bench(c["N"], c["T"], c["L"], c["epochs"], c["M"], 1)
out["ppo"] = ppo_bench(c["N"], c["T"], c["L"], c["epochs"], c["M"], c["iters"])
print(json.dumps(out))
