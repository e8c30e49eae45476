// SPDX-License-Identifier: MIT OR Apache-2.0
// Type declarations of peregrine-groth16 (snarkjs's groth16 API on Peregrine's native prover).

/// <reference types="node" />

/** A file: its name, its bytes, or snarkjs's in-memory / file descriptors. */
export type FileInput = string | Uint8Array | ArrayBuffer | { type: 'mem'; data: Uint8Array } | { type: 'file'; fileName: string };

/** A number as snarkjs accepts it. */
export type NumberLike = string | number | bigint;

/** Circuit inputs: signal name -> value, or nested arrays of values. */
export interface CircuitInput {
  [signal: string]: NumberLike | CircuitInputArray;
}
export interface CircuitInputArray extends Array<NumberLike | CircuitInputArray> {}

export interface Groth16Proof {
  pi_a: [string, string, string];
  pi_b: [[string, string], [string, string], [string, string]];
  pi_c: [string, string, string];
  protocol: 'groth16';
  curve: 'bn128';
}

export type PublicSignals = string[];

export interface VerificationKey {
  protocol: 'groth16';
  curve: 'bn128';
  nPublic: number;
  vk_alpha_1: string[];
  vk_beta_2: string[][];
  vk_gamma_2: string[][];
  vk_delta_2: string[][];
  vk_alphabeta_12: string[][][];
  IC: string[][];
}

export interface ProveOptions {
  /** Worker threads of the prover; 0 or absent: every core. */
  threads?: number;
  /** snarkjs's option: the same as threads: 1. */
  singleThread?: boolean;
  /** Cancels the proof: the Promise rejects with signal.reason (an AbortError by default). */
  signal?: AbortSignal;
}

/** snarkjs's logger argument: accepted for compatibility (verify logs through it). */
export interface Logger {
  info?(...a: unknown[]): void;
  debug?(...a: unknown[]): void;
  warn?(...a: unknown[]): void;
  error?(...a: unknown[]): void;
}

export interface WasmOptions {
  /** Pages (64 KiB) of memory given to circom's wasm (default 32767). */
  memorySize?: number;
  /** Print the circuit's log() lines (default true). */
  log?: boolean;
  sanityCheck?: boolean;
}

export interface ProofResult {
  proof: Groth16Proof;
  publicSignals: PublicSignals;
}

export declare const groth16: {
  /** Proves with a .zkey and a .wtns. */
  prove(zkey: FileInput, wtns: FileInput, logger?: Logger | ProveOptions, options?: ProveOptions): Promise<ProofResult>;
  /**
   * Witness and proof: circuit is circom's .wasm (file name or bytes; the witness is computed in
   * this thread) or a `peregrine circuit build` directory / lib<name>-witness.so (in process, natively).
   */
  fullProve(input: CircuitInput, circuit: FileInput, zkey: FileInput, logger?: Logger | ProveOptions,
    wtnsCalcOptions?: WasmOptions, proverOptions?: ProveOptions): Promise<ProofResult>;
  /** True for a valid proof; false (as snarkjs) for signals outside the field or points off the curve. */
  verify(vk: VerificationKey | string | Uint8Array, publicSignals: NumberLike[] | string,
    proof: Groth16Proof | string | Uint8Array, logger?: Logger): Promise<boolean>;
  /** The arguments of the Solidity verifier's verifyProof, as snarkjs prints them. */
  exportSolidityCallData(proof: Groth16Proof | string, publicSignals: NumberLike[] | string): Promise<string>;
};

export declare const zKey: {
  exportVerificationKey(zkey: FileInput, logger?: Logger): Promise<VerificationKey>;
  /** A Groth16Verifier contract (snarkjs's interface); zkey may also be a verification_key.json file name. */
  exportSolidityVerifier(zkey: FileInput, templates?: unknown, logger?: Logger): Promise<string>;
};

export declare const wtns: {
  /** The .wtns image; also written to out (a file name) or stored in out.data ({type: "mem"}). */
  calculate(input: CircuitInput, circuit: FileInput, out?: string | { type: 'mem'; data?: Uint8Array },
    options?: WasmOptions): Promise<Buffer>;
};

export interface ProverInfo {
  nVars: number;
  nPublic: number;
  domainSize: number;
  threads: number;
}

/** A proving key loaded once for many proofs; prove() may run concurrently. */
export declare class Prover {
  constructor(zkey: FileInput, options?: { threads?: number });
  /** Resolves once the key is loaded (rejects if it cannot be). */
  ready(): Promise<ProverInfo>;
  prove(wtns: FileInput, options?: { signal?: AbortSignal }): Promise<ProofResult>;
  fullProve(input: CircuitInput, circuit: FileInput, options?: { signal?: AbortSignal } & WasmOptions): Promise<ProofResult>;
}

export declare const version: string;
