import { createInMemoryCluster } from "../../src/cluster/adapters/in-memory.ts";
import { runClusterContract } from "./contract.ts";

runClusterContract("in-memory", async () => ({ cluster: createInMemoryCluster(), close: async () => {} }));
