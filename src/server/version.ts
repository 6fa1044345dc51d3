/** The API's version, as the OpenAPI document and /health report it. */
export const API_VERSION = '0.1.0';
