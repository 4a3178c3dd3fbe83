import { HivestormError } from "../core/errors.ts";

/** An error the API answers with `{"error": message, "status": status}`; `message` is upstream's exact text. */
export class ApiError extends HivestormError {
  constructor(
    readonly status: number,
    readonly wireMessage: string,
  ) {
    super("E_TOXIPROXY_API", wireMessage);
  }
}

export const proxyNotFound = (): ApiError => new ApiError(404, "proxy not found");
export const proxyAlreadyExists = (): ApiError => new ApiError(409, "proxy already exists");
export const toxicNotFound = (): ApiError => new ApiError(404, "toxic not found");
export const toxicAlreadyExists = (): ApiError => new ApiError(409, "toxic already exists");
export const invalidToxicType = (): ApiError => new ApiError(400, "invalid toxic type");
export const invalidStream = (): ApiError =>
  new ApiError(400, "stream was invalid, can be either upstream or downstream");
export const missingField = (field: string, suffix = ""): ApiError =>
  new ApiError(400, `missing required field: ${field}${suffix}`);
export const badRequestBody = (detail: string): ApiError => new ApiError(400, `bad request body: ${detail}`);
