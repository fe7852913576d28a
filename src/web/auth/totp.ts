import { verify as verifyTotp } from 'otplib';

export async function totpValid(secret: string, code: string | undefined): Promise<boolean> {
  if (!code || !/^\d{6}$/.test(code.trim())) return false;
  try {
    // One step of tolerance either side: phone clocks drift.
    const result = await verifyTotp({ secret, token: code.trim(), epochTolerance: 30 });
    return result.valid;
  } catch {
    return false;
  }
}
