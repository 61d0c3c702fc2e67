// sgdr_unit: a digital SGD-with-L2 (SGDr) weight-update unit, the baseline
// that the log-domain analog array is compared against.
//
// Number format: x, y and w are B-bit two's complement, value = code / 2^(B-1)
// (Q1.(B-1), range [-1, 1)). eta = 2^-ETA_SHIFT, lambda = 2^-LAMBDA_SHIFT.
//
// One shared B x B multiplier, time-multiplexed over the N features.
// A sample (x, y) is held on the inputs for 2N clock cycles:
//   cycles 0 .. N-1   forward: acc <- sum_i w_i * x_i          (exact, 2B + log2 N bits)
//   cycles N .. 2N-1  update:  e  = sat_B(round((acc - y * 2^(B-1)) / 2^(B-1)))
//                              g  = e * x_i + w_i * 2^(B-1) * lambda
//                              w_i <- sat_B(w_i - round(g * eta / 2^(B-1)))
// round(v / 2^s) is (v + 2^(s-1)) >>> s (half up). The bit-exact reference is
// logsgd.flow.digital.model. rst (synchronous, active high) clears the
// weights, the accumulator and the cycle counter; the first cycle after rst
// falls is cycle 0 of a sample.
module sgdr_unit #(
    parameter integer N = 1,
    parameter integer B = 8,
    parameter integer ETA_SHIFT = 2,
    parameter integer LAMBDA_SHIFT = 5
) (
    input  wire           clk,
    input  wire           rst,
    input  wire [N*B-1:0] x,
    input  wire [B-1:0]   y,
    output wire [N*B-1:0] w
);
    localparam integer CW = (2 * N > 1) ? $clog2(2 * N) : 1;
    localparam integer IW = (N > 1) ? $clog2(N) : 1;
    localparam integer PW = 2 * B;
    localparam integer AW = PW + ((N > 1) ? $clog2(N) : 0);
    localparam integer EW = AW + 1;
    localparam integer GW = PW + 1;
    localparam integer E_SHIFT = B - 1;
    localparam integer STEP_SHIFT = B - 1 + ETA_SHIFT;
    localparam signed [B-1:0] W_MAX = {1'b0, {(B - 1){1'b1}}};
    localparam signed [B-1:0] W_MIN = {1'b1, {(B - 1){1'b0}}};

    reg [CW-1:0] cnt;
    reg signed [AW-1:0] acc;
    reg [N*B-1:0] weights;

    wire updating = (cnt >= N);
    wire [IW-1:0] idx = updating ? cnt - N : cnt;
    wire signed [B-1:0] x_i = x[idx*B +: B];
    wire signed [B-1:0] w_i = weights[idx*B +: B];

    // Error e, rounded to B bits and saturated.
    // Sign extension by assignment to wider signed wires: every operand of
    // the expressions below is signed, so >>> shifts arithmetically.
    wire signed [EW-1:0] acc_wide = acc;
    wire signed [EW-1:0] y_wide = $signed(y);
    wire signed [EW-1:0] e_full = acc_wide - (y_wide <<< E_SHIFT);
    wire signed [EW-1:0] e_round = (e_full + (1 <<< (E_SHIFT - 1))) >>> E_SHIFT;
    wire signed [B-1:0] e_sat = (e_round > W_MAX) ? W_MAX : (e_round < W_MIN) ? W_MIN : e_round[B-1:0];

    // The one multiplier: w_i * x_i while predicting, e * x_i while updating.
    wire signed [B-1:0] m_a = updating ? e_sat : w_i;
    wire signed [PW-1:0] product = m_a * x_i;
    wire signed [AW-1:0] product_acc = product;

    // Gradient with the L2 term, scaled by eta, rounded and applied with saturation.
    wire signed [GW-1:0] product_wide = product;
    wire signed [GW-1:0] w_scaled = w_i;
    wire signed [GW-1:0] lambda_term = (w_scaled <<< E_SHIFT) >>> LAMBDA_SHIFT;
    wire signed [GW-1:0] grad = product_wide + lambda_term;
    wire signed [GW-1:0] step = (grad + (1 <<< (STEP_SHIFT - 1))) >>> STEP_SHIFT;
    wire signed [GW:0] w_next = w_i - step;
    wire signed [B-1:0] w_sat = (w_next > W_MAX) ? W_MAX : (w_next < W_MIN) ? W_MIN : w_next[B-1:0];

    always @(posedge clk) begin
        if (rst) begin
            cnt <= 0;
            acc <= 0;
        end else begin
            cnt <= (cnt == 2 * N - 1) ? 0 : cnt + 1;
            if (!updating)
                acc <= (cnt == 0) ? product_acc : acc + product_acc;
        end
    end

    genvar i;
    generate
        for (i = 0; i < N; i = i + 1) begin : g_weight
            always @(posedge clk) begin
                if (rst)
                    weights[i*B +: B] <= 0;
                else if (updating && idx == i)
                    weights[i*B +: B] <= w_sat;
            end
        end
    endgenerate

    assign w = weights;
endmodule
