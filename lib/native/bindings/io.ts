/**
 * safetensors through the addon (csrc/napi/io_safetensors.cpp, io_safetensors_writer.cpp): whole-file load/save and
 * the streaming writer. Part of NativeAddon (lib/native/addon.ts).
 */

export interface SafetensorsHeader {
  tensors: Record<string, { dtype: string; shape: number[] }>;
  metadata: Record<string, string>;
}

export interface IoBindings {
  safetensorsHeader(path: string): SafetensorsHeader;
  loadSafetensors(path: string, names: string[] | null, device: string | null): Promise<{ names: string[]; handles: number[]; metadata: Record<string, string> }>;
  saveSafetensors(path: string, names: string[], handles: number[], metadata: Record<string, string>): Promise<void>;
  safetensorsWriterOpen(path: string, names: string[], dtypes: number[], shapes: number[][], metadata: Record<string, string>): number;
  safetensorsWriterAppend(id: number, name: string, tensor: number): Promise<void>;
  safetensorsWriterFinish(id: number): Promise<void>;
  safetensorsWriterAbort(id: number): void;
}
