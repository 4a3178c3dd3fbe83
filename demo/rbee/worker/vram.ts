// The simulated VRAM budget: requests reserve a fixed cost, a scenario can occupy more from outside.
export class Vram {
  readonly budgetMb: number;
  private requestsMb = 0;
  private occupiedMb = 0;
  leakedMb = 0;

  constructor(budgetMb: number) {
    this.budgetMb = budgetMb;
  }

  get usedMb(): number {
    return this.requestsMb + this.occupiedMb + this.leakedMb;
  }

  tryReserve(mb: number): boolean {
    if (this.usedMb + mb > this.budgetMb) return false;
    this.requestsMb += mb;
    return true;
  }

  /** `leak`: the vram-leak bug keeps the reservation for ever. */
  release(mb: number, leak: boolean): void {
    this.requestsMb -= mb;
    if (leak) this.leakedMb += mb;
  }

  occupy(mb: number): void {
    this.occupiedMb += mb;
  }

  /** Frees what was occupied from outside (not what a leak holds: that needs a restart). */
  freeOccupied(): void {
    this.occupiedMb = 0;
  }

  snapshot() {
    return {
      budgetMb: this.budgetMb,
      usedMb: this.usedMb,
      requestsMb: this.requestsMb,
      occupiedMb: this.occupiedMb,
      leakedMb: this.leakedMb,
    };
  }
}
