/**
 * Sequence nets: tensors with reverse-mode autodiff (to any order), fused LSTM/GRU cells in
 * torch's layout, dense layers, dropout, losses, Adam/SGD, clipping and parameter files.
 */
export { type BackwardFn, type DType, type Data, Tensor, alloc, full, isGradEnabled, noGrad, param, randn, record, scalar, tensor, uniform, withGradMode, zeros } from './tensor.ts';
export { backward, grad, type GradOptions } from './autograd.ts';
export * from './ops.ts';
export { Module, Sequential, type Layer } from './module.ts';
export { Activation, Dropout, LastStep, Linear, dropout, linear, type InitOptions } from './layers.ts';
export { Lstm, lstm, lstmComposite, prepareLstm, type LstmPrepared, type LstmWeights } from './lstm.ts';
export { RecurrentStack, secondOrderRule, type RecurrentWeights, type RnnOptions, type RnnResult } from './recurrent.ts';
export { Gru, gru, gruComposite, type GruWeights } from './gru.ts';
export { bceWithLogits, crossEntropy, huberLoss, mseLoss, type Reduction } from './losses.ts';
export { Adam, Sgd, clipGradNorm, type AdamOptions, type Optimizer, type SgdOptions } from './optim.ts';
export { hvp, type HvpResult } from './hvp.ts';
export { gradCheck, type GradCheckResult } from './gradcheck.ts';
export { PARAMS_FORMAT, PARAMS_VERSION, loadParams, saveParams, type ParamFile } from './params.ts';
