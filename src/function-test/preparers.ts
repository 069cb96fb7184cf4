/** The preparers a FunctionTest run needs: the functions under test, their templates, and the tests themselves. */
import type { Preparers } from "../definitions/definition.ts";
import { prepareResourceFunction, prepareResourceTemplate, prepareValueFunction } from "../functions/index.ts";
import { prepareFunctionTest } from "./prepare.ts";

export const FUNCTION_TEST_PREPARERS: Preparers = Object.freeze({
  ValueFunction: prepareValueFunction,
  ResourceFunction: prepareResourceFunction,
  ResourceTemplate: prepareResourceTemplate,
  FunctionTest: prepareFunctionTest,
});
