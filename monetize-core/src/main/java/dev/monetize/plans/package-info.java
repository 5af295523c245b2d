/** Plans (tiers), quotas, rates, prices, customers and the operations they apply to. */
package dev.monetize.plans;
