"""Train a small PyTorch classifier on the bundled TTRC prices and export it to ONNX.

Run from the repository root:  /usr/bin/python3 examples/onnx-model/train_export.py
Writes (all committed, so CI needs no Python or torch):
  model.onnx          input "features" [batch, 5] (raw feature values), output "p_up" [batch, 1]
  features.csv        the out-of-sample rows (2003-2006), one column per model feature
  torch_scores.csv    PyTorch's probability for each row of features.csv, to check the import against
"""
import csv, math, os, sys
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FEATURES = ["ret_1", "ret_5", "ret_21", "vol_21", "dist_sma_50"]
HORIZON = 5          # label: is the close 5 bars ahead higher than today's?
SPLIT = "2003-01-01"  # train before, test from here on (out of sample)

rows = list(csv.DictReader(open(os.path.join(ROOT, "data", "sample", "ttrc.csv"))))
dates = [r["date"] for r in rows]
close = [float(r["close"]) for r in rows]
logret = [float("nan")] + [math.log(close[i] / close[i - 1]) for i in range(1, len(close))]

def feature_row(t):
    """Features at bar t see bars <= t only."""
    if t < 50:
        return None
    window = logret[t - 20 : t + 1]
    mean = sum(window) / 21
    vol = math.sqrt(sum((x - mean) ** 2 for x in window) / 20) * math.sqrt(252)
    sma50 = sum(close[t - 49 : t + 1]) / 50
    return [math.log(close[t] / close[t - 1]), math.log(close[t] / close[t - 5]), math.log(close[t] / close[t - 21]), vol, close[t] / sma50 - 1]

X_train, y_train, X_test, test_dates = [], [], [], []
for t in range(len(close)):
    f = feature_row(t)
    if f is None:
        continue
    if dates[t] < SPLIT:
        # Purge: a training label must not reach into the test period.
        if t + HORIZON < len(close) and dates[t + HORIZON] < SPLIT:
            X_train.append(f)
            y_train.append(1.0 if close[t + HORIZON] > close[t] else 0.0)
    else:
        X_test.append(f)
        test_dates.append(dates[t])

torch.manual_seed(7)
Xt = torch.tensor(X_train, dtype=torch.float32)
yt = torch.tensor(y_train, dtype=torch.float32).unsqueeze(1)

class Classifier(torch.nn.Module):
    """Standardises its raw inputs (training mean/sd baked in), then a small MLP."""
    def __init__(self, mean, sd):
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("sd", sd)
        self.net = torch.nn.Sequential(torch.nn.Linear(len(FEATURES), 16), torch.nn.Tanh(), torch.nn.Linear(16, 1))
    def forward(self, x):
        return torch.sigmoid(self.net((x - self.mean) / self.sd))

model = Classifier(Xt.mean(0), Xt.std(0))
opt = torch.optim.Adam(model.parameters(), lr=0.01)
loss_fn = torch.nn.BCELoss()
for epoch in range(300):
    opt.zero_grad()
    loss = loss_fn(model(Xt), yt)
    loss.backward()
    opt.step()
model.eval()
print(f"trained on {len(X_train)} rows before {SPLIT}: final log loss {loss.item():.4f}", file=sys.stderr)

torch.onnx.export(model, Xt[:2], os.path.join(HERE, "model.onnx"), input_names=["features"], output_names=["p_up"],
                  dynamic_axes={"features": {0: "batch"}, "p_up": {0: "batch"}}, opset_version=13)

with torch.no_grad():
    scores = model(torch.tensor(X_test, dtype=torch.float32)).flatten().tolist()
with open(os.path.join(HERE, "features.csv"), "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(FEATURES)
    for f in X_test:
        w.writerow([repr(v) for v in f])
with open(os.path.join(HERE, "torch_scores.csv"), "w", newline="") as fh:
    w = csv.writer(fh, lineterminator="\n")
    w.writerow(["date", "p_up"])
    for d, s in zip(test_dates, scores):
        w.writerow([d, repr(s)])
print(f"wrote model.onnx, features.csv and torch_scores.csv ({len(X_test)} out-of-sample rows from {test_dates[0]})", file=sys.stderr)
